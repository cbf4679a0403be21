package io.tunetrail.store.usage;

import io.tunetrail.store.Database;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes the billing ledger ({@code usage_ledger}) in PostgreSQL from totals computed elsewhere (the lander sums the
 * streaming job's daily usage from Delta). Every row is written as an absolute value, so writing the same totals again
 * changes nothing and a recomputed month simply replaces its rows.
 *
 * <p>A row whose org or API key the database does not know (an org deleted since, a key of another environment) cannot
 * be written: the ledger's foreign keys refuse it. Such rows are not lost: they stay in the offline store they were
 * computed from, and {@link Written#unknownOrgOrKey()} counts them, with examples, for the caller to report. Usage of
 * the web console (key id {@link UsageEvent#CONSOLE_KEY_ID}, no API key) is the org's keyless usage.
 */
public final class UsageLedgerStore {
    /** What a write did. */
    public record Written(int changed, int unchanged, int unknownOrgOrKey, List<String> unknownExamples) {
        public Written {
            unknownExamples = List.copyOf(unknownExamples);
        }
    }

    private static final int MAX_EXAMPLES = 5;

    private final DataSource dataSource;

    public UsageLedgerStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Upserts {@code rows} in one transaction. */
    public Written write(Collection<UsageLedgerRow> rows) {
        return write(rows, null, List.of());
    }

    /**
     * Upserts {@code rows} and clears the {@code marks} of {@code recomputed} (the months the rows were computed for)
     * in one transaction: a month's mark goes only with its new rows.
     */
    public Written write(Collection<UsageLedgerRow> rows, LedgerDirtyMonths marks, Collection<OrgMonth> recomputed) {
        if (rows.isEmpty() && recomputed.isEmpty()) {
            return new Written(0, 0, 0, List.of());
        }
        try (Connection c = dataSource.getConnection()) {
            return Database.inTransaction(c, conn -> {
                if (marks != null) {
                    marks.clear(conn, recomputed);
                }
                if (rows.isEmpty()) {
                    return new Written(0, 0, 0, List.of());
                }
                try (Statement st = conn.createStatement()) {
                    st.execute("CREATE TEMP TABLE stage_usage_ledger ON COMMIT DROP AS "
                            + "SELECT org_id, api_key_id, resource, period, period_start, units FROM usage_ledger WITH NO DATA");
                }
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO stage_usage_ledger VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (UsageLedgerRow r : rows) {
                        ps.setString(1, r.orgId());
                        // The console's usage has no api_keys row to refer to: it is the org's keyless usage.
                        ps.setString(2, UsageEvent.CONSOLE_KEY_ID.equals(r.apiKeyId()) ? null : r.apiKeyId());
                        ps.setString(3, r.resource());
                        ps.setString(4, r.period().column());
                        ps.setDate(5, Date.valueOf(r.periodStart()));
                        ps.setLong(6, r.units());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                String known = "EXISTS (SELECT 1 FROM organisations o WHERE o.org_id = s.org_id) AND (s.api_key_id IS NULL "
                        + "OR EXISTS (SELECT 1 FROM api_keys k WHERE k.org_id = s.org_id AND k.key_id = s.api_key_id))";
                List<String> unknown = new ArrayList<>();
                int unknownCount = 0;
                try (Statement st = conn.createStatement();
                        ResultSet rs = st.executeQuery("SELECT org_id, api_key_id, count(*) OVER () FROM stage_usage_ledger s WHERE NOT ("
                                + known + ") ORDER BY org_id, api_key_id LIMIT " + MAX_EXAMPLES)) {
                    while (rs.next()) {
                        unknownCount = rs.getInt(3);
                        unknown.add("org " + rs.getString(1) + (rs.getString(2) == null ? "" : " key " + rs.getString(2)));
                    }
                }
                int changed;
                try (Statement st = conn.createStatement()) {
                    // The unique index treats a null key as one value (NULLS NOT DISTINCT), so keyless usage upserts too.
                    // Summed per ledger row: the console's rows and other keyless rows of a period land on the same one.
                    changed = st.executeUpdate("INSERT INTO usage_ledger AS l (org_id, api_key_id, resource, period, period_start, units) "
                            + "SELECT org_id, api_key_id, resource, period, period_start, sum(units) FROM stage_usage_ledger s WHERE " + known
                            + " GROUP BY org_id, api_key_id, resource, period, period_start"
                            + " ON CONFLICT (org_id, api_key_id, resource, period, period_start) DO UPDATE SET units = EXCLUDED.units"
                            + " WHERE l.units IS DISTINCT FROM EXCLUDED.units");
                }
                int merged;
                try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) - count(DISTINCT (org_id, api_key_id, "
                        + "resource, period, period_start)) FROM stage_usage_ledger s WHERE " + known)) {
                    rs.next();
                    merged = rs.getInt(1);
                }
                return new Written(changed, rows.size() - unknownCount - merged - changed, unknownCount, unknown);
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("writing the usage ledger", e);
        }
    }
}
