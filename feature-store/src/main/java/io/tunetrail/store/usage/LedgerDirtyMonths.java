package io.tunetrail.store.usage;

import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The org-months whose billing ledger is owed a recomputation ({@code ledger_dirty_months}), kept in PostgreSQL so a
 * lander that dies between landing usage days and writing the ledger does not forget them.
 *
 * <p>The protocol: {@link #mark} before the days change in Delta (a mark without a change only costs a recomputation),
 * {@link #pending} after landing, and {@link UsageLedgerStore#write(Collection, LedgerDirtyMonths, Collection)} clears
 * the marks of the months it rewrote in the ledger's own transaction, so a month is never cleared without its rows.
 */
public final class LedgerDirtyMonths {
    private final DataSource dataSource;
    private final String usageDaily;

    /** The marks of the {@code usage_daily} table at {@code usageDaily}. */
    public LedgerDirtyMonths(DataSource dataSource, String usageDaily) {
        this.dataSource = dataSource;
        this.usageDaily = usageDaily;
    }

    /**
     * Marks {@code months} as owed a recomputation; marking a marked month again changes nothing, and months of orgs the
     * database does not know are not marked (their ledger rows cannot be written; the caller counts them).
     */
    public void mark(Collection<OrgMonth> months) {
        if (months.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_dirty_months (org_id, usage_daily, month) "
                        + "SELECT o.org_id, ?, ? FROM organisations o WHERE o.org_id = ? ON CONFLICT DO NOTHING")) {
            forEachMonth(ps, months);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("marking ledger months for recomputation", e);
        }
    }

    /** Every marked month, oldest mark first: those a crashed run left and those this run marked. */
    public List<OrgMonth> pending() {
        List<OrgMonth> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT org_id, month FROM ledger_dirty_months WHERE usage_daily = ? ORDER BY marked_at, org_id, month")) {
            ps.setString(1, usageDaily);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OrgMonth(rs.getString(1), rs.getDate(2).toLocalDate()));
                }
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the ledger months owed a recomputation", e);
        }
        return out;
    }

    /** Clears the marks of {@code months} on {@code connection}, inside the caller's transaction. */
    void clear(Connection connection, Collection<OrgMonth> months) throws SQLException {
        if (months.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM ledger_dirty_months WHERE usage_daily = ? AND month = ? AND org_id = ?")) {
            forEachMonth(ps, months);
        }
    }

    /** Runs {@code ps} (parameters: usage_daily, month, org_id) once per month, in one batch. */
    private void forEachMonth(PreparedStatement ps, Collection<OrgMonth> months) throws SQLException {
        for (OrgMonth m : months) {
            ps.setString(1, usageDaily);
            ps.setDate(2, Date.valueOf(m.month()));
            ps.setString(3, m.orgId());
            ps.addBatch();
        }
        ps.executeBatch();
    }
}
