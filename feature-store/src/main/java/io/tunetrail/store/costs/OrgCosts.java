package io.tunetrail.store.costs;

import io.tunetrail.model.CostCatalog;
import io.tunetrail.store.jobs.JobTable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * What an org's work cost, read from PostgreSQL: the measured runs and stored days ({@code usage_costs}) and the API calls of the closed
 * days in the billing ledger ({@code usage_ledger}, priced per route class at read time), plus what its queued and
 * running jobs hold against its cap until they are measured.
 */
public final class OrgCosts {
    /** Money is kept to 8 decimals, like {@code usage_costs.usd}. */
    static final int SCALE = 8;

    private final CostCatalog prices;

    public OrgCosts(CostCatalog prices) {
        this.prices = prices;
    }

    /**
     * An org's month so far: {@code measuredUsd} (jobs and storage), {@code apiUsd} (ledger days), {@code heldUsd} (queued and
     * running jobs not yet measured). What a cap compares is {@link #committedUsd()}; what was spent, {@link #spentUsd()}.
     */
    public record MonthToDate(YearMonth month, BigDecimal measuredUsd, BigDecimal apiUsd, BigDecimal heldUsd) {
        public BigDecimal spentUsd() {
            return measuredUsd.add(apiUsd);
        }

        public BigDecimal committedUsd() {
            return spentUsd().add(heldUsd);
        }
    }

    /**
     * One line of cost: a job kind's measured runs on a day ({@code source} job: {@code kind}, cpu seconds, runs), or a
     * route class's metered units on a day ({@code source} api: {@code kind} is the route class, {@code units}), or the
     * day's stored bytes ({@code source} and {@code kind} storage, one run, no CPU seconds).
     */
    public record Line(LocalDate day, String source, String kind, double cpuSeconds, long runs, long units, BigDecimal usd) {}

    public MonthToDate monthToDate(Connection c, String orgId, YearMonth month) throws SQLException {
        LocalDate from = month.atDay(1);
        LocalDate to = month.plusMonths(1).atDay(1);
        BigDecimal measured = BigDecimal.ZERO;
        try (PreparedStatement ps = inRange(c, "SELECT coalesce(sum(usd), 0) FROM usage_costs WHERE org_id = ? AND day >= ? AND day < ?",
                orgId, from, to)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                measured = rs.getBigDecimal(1);
            }
        }
        BigDecimal api = BigDecimal.ZERO;
        for (Line l : apiLines(c, orgId, from, to)) {
            api = api.add(l.usd());
        }
        BigDecimal held = BigDecimal.ZERO;
        for (JobTable table : JobTable.ALL) {
            double hold = CostCatalog.JOB_KINDS.contains(table.kind()) ? prices.holdUsd(table.kind()) : 0;
            if (hold == 0) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table.table()
                    + " WHERE org_id = ? AND status IN ('queued', 'running')")) {
                ps.setString(1, orgId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    held = held.add(BigDecimal.valueOf(hold).multiply(BigDecimal.valueOf(rs.getLong(1))));
                }
            }
        }
        return new MonthToDate(month, scaled(measured), scaled(api), scaled(held));
    }

    /** The org's cost in the days [from, to), by day and kind: measured jobs and storage first, then API route classes. */
    public List<Line> lines(Connection c, String orgId, LocalDate from, LocalDate to) throws SQLException {
        List<Line> out = new ArrayList<>();
        try (PreparedStatement ps = inRange(c, "SELECT day, kind, sum(cpu_seconds), count(*), sum(usd) FROM usage_costs "
                + "WHERE org_id = ? AND day >= ? AND day < ? GROUP BY day, kind ORDER BY day, kind", orgId, from, to)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String kind = rs.getString(2);
                    String source = kind.equals(CostMeter.STORAGE) ? "storage" : "job";
                    out.add(new Line(rs.getDate(1).toLocalDate(), source, kind, rs.getDouble(3), rs.getLong(4), 0,
                            scaled(rs.getBigDecimal(5))));
                }
            }
        }
        out.addAll(apiLines(c, orgId, from, to));
        return out;
    }

    /** The ledger's closed days, priced per route class; classes without a price cost nothing and are left out. */
    private List<Line> apiLines(Connection c, String orgId, LocalDate from, LocalDate to) throws SQLException {
        List<Line> out = new ArrayList<>();
        try (PreparedStatement ps = inRange(c, "SELECT period_start, resource, sum(units) FROM usage_ledger WHERE org_id = ? AND period = 'day' "
                + "AND period_start >= ? AND period_start < ? GROUP BY period_start, resource ORDER BY period_start, resource", orgId, from, to)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double price = prices.perCallUsd(rs.getString(2));
                    if (price > 0) {
                        long units = rs.getLong(3);
                        out.add(new Line(rs.getDate(1).toLocalDate(), "api", rs.getString(2), 0, 0, units,
                                scaled(BigDecimal.valueOf(price).multiply(BigDecimal.valueOf(units)))));
                    }
                }
            }
        }
        return out;
    }

    /** A statement whose three parameters are the org and the days [from, to). */
    private static PreparedStatement inRange(Connection c, String sql, String orgId, LocalDate from, LocalDate to) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setString(1, orgId);
        ps.setDate(2, Date.valueOf(from));
        ps.setDate(3, Date.valueOf(to));
        return ps;
    }

    static BigDecimal scaled(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.HALF_UP);
    }
}
