package io.tunetrail.store.registry;

import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The platform-wide emergency model freeze ({@code platform_model_freeze}, migration V81): while it is set, no model
 * version is promoted for any org or globally. The registry refuses promotions ({@link ModelRegistry#promote}, which
 * the nightly jobs call) and pins; a rollback stays allowed, because it is the emergency action a freeze is for.
 *
 * <p>Setting the freeze locks its row; {@link #frozenIn} reads it with a share lock inside each promotion's transaction.
 * So a freeze waits for the promotions already deciding to commit, and once {@link #set} returns, no promotion that has
 * not yet read the row can go through: nothing slips in after the operator was told the platform is frozen.
 */
public final class PlatformModelFreeze {
    /** What a refused promotion or pin says. */
    static final String REFUSAL = "the platform's models are frozen (./tunetrail admin models freeze): no version is promoted anywhere";

    /** The freeze as last set. */
    public record State(boolean frozen, String reason, String changedBy, Instant changedAt) {}

    private final DataSource dataSource;

    public PlatformModelFreeze(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public State state() {
        try (Connection c = dataSource.getConnection()) {
            return read(c, "");
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the platform model freeze", e);
        }
    }

    /** Sets or clears the freeze; {@code by} names who did it (shown by status), {@code reason} why. */
    public State set(boolean frozen, String reason, String by) {
        try (Connection c = dataSource.getConnection()) {
            return Database.inTransaction(c, tx -> {
                read(tx, " FOR UPDATE");
                try (PreparedStatement ps = tx.prepareStatement("UPDATE platform_model_freeze SET frozen = ?, reason = ?, changed_by = ?, "
                        + "changed_at = now()")) {
                    ps.setBoolean(1, frozen);
                    ps.setString(2, reason == null ? "" : reason);
                    ps.setString(3, by == null ? "" : by);
                    ps.executeUpdate();
                }
                return read(tx, "");
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("setting the platform model freeze", e);
        }
    }

    /** Whether the platform is frozen, read with a share lock inside the caller's transaction (see the class comment). */
    static boolean frozenIn(Connection tx) throws SQLException {
        return read(tx, " FOR SHARE").frozen();
    }

    private static State read(Connection c, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT frozen, reason, changed_by, changed_at FROM platform_model_freeze" + lock);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("platform_model_freeze has no row; migration V81 inserts it. Run the migrations");
            }
            return new State(rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
        }
    }
}
