package io.tunetrail.store.usage;

import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * The API's refused calls per org, UTC day, API key, route class and reason ({@code api_refusals_daily}, V93): what
 * {@code mart_usage_daily} counts as {@code refused_402} and {@code refused_429}. A refused call is not metered, so no
 * usage event carries it; the API counts refusals in memory and {@link #add}s them here in batches.
 */
public final class ApiRefusals {
    /** The route class of a route that meters nothing. */
    public static final String UNMETERED = "unmetered";

    /** {@code refusals} calls refused with {@code status} for {@code reason}; {@code routeClass}: the route's metered resource. */
    public record Count(String orgId, LocalDate day, String apiKeyId, String routeClass, String reason, int status, long refusals) {
        public Count {
            if (status != 402 && status != 429) {
                throw new IllegalArgumentException("a refusal is a 402 or a 429, not " + status);
            }
        }
    }

    private final DataSource dataSource;

    public ApiRefusals(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Adds the counts to the day's totals in one batch, in one transaction (all or nothing, so a caller that fails may
     * add the same counts again later). Counts of orgs the database no longer knows are left out.
     */
    public void add(Collection<Count> counts) {
        if (counts.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_refusals_daily (org_id, day, api_key_id, route_class, reason, "
                    + "status, refusals) SELECT o.org_id, ?, ?, ?, ?, ?, ? FROM organisations o WHERE o.org_id = ? "
                    + "ON CONFLICT (org_id, day, api_key_id, route_class, reason) DO UPDATE "
                    + "SET refusals = api_refusals_daily.refusals + EXCLUDED.refusals, updated_at = now()")) {
                for (Count n : counts) {
                    ps.setDate(1, Date.valueOf(n.day()));
                    ps.setString(2, n.apiKeyId());
                    ps.setString(3, n.routeClass());
                    ps.setString(4, n.reason());
                    ps.setInt(5, n.status());
                    ps.setLong(6, n.refusals());
                    ps.setString(7, n.orgId());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("adding refused API calls", e);
        }
    }
}
