package io.tunetrail.store.costs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Records what a run of costly work measured for an org in {@code usage_costs}, priced with the cost table, and tells
 * {@link CapThresholds} which of the plan's cap thresholds that cost crossed; likewise a day of an org's storage. A
 * measurement recorded again (same org, kind, job and attempt) counts once.
 */
public final class CostMeter {
    /** The cost kind of what an org keeps stored ({@link #recordStorage}); not a job kind: it has no CPU time. */
    public static final String STORAGE = "storage";
    private static final long BYTES_PER_GB = 1L << 30;

    /**
     * One measured run. {@code executorCpuSeconds}: CPU time of the run's own Spark tasks; {@code driverCpuSeconds}: CPU
     * time of the thread that drove it. Both are priced.
     */
    public record Run(String orgId, String kind, String jobId, int attempt, double executorCpuSeconds, double driverCpuSeconds,
            Map<String, Object> details) {
        public Run {
            if (!CostCatalog.JOB_KINDS.contains(kind)) {
                throw new IllegalArgumentException("'" + kind + "' is not a metered job kind; known: " + String.join(", ", CostCatalog.JOB_KINDS));
            }
            if (!(executorCpuSeconds >= 0) || !(driverCpuSeconds >= 0) || attempt < 1) {
                throw new IllegalArgumentException("a run's CPU seconds are >= 0 and its attempt >= 1");
            }
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        public double cpuSeconds() {
            return executorCpuSeconds + driverCpuSeconds;
        }
    }

    /** What was recorded: the cost (zero when this run had been recorded before) and the month so far after it. */
    public record Recorded(boolean firstTime, BigDecimal usd, BigDecimal monthSpentUsd) {}

    private final DataSource dataSource;
    private final PlanCatalog plans;
    private final CostCatalog prices;
    private final OrgCosts costs;
    private final Clock clock;
    private final CapThresholds thresholds;

    public CostMeter(DataSource dataSource, PlanCatalog plans, CostCatalog prices, Clock clock, CapThresholds thresholds) {
        this.dataSource = dataSource;
        this.plans = plans;
        this.prices = prices;
        this.costs = new OrgCosts(prices);
        this.clock = clock;
        this.thresholds = thresholds;
    }

    public Recorded record(Run run) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        BigDecimal usd = OrgCosts.scaled(BigDecimal.valueOf(prices.cpuSecondUsd(run.kind())).multiply(BigDecimal.valueOf(run.cpuSeconds())));
        Map<String, Object> details = new LinkedHashMap<>(run.details());
        details.put("executor_cpu_seconds", run.executorCpuSeconds());
        details.put("driver_cpu_seconds", run.driverCpuSeconds());
        return record(run.orgId(), run.kind(), run.jobId(), run.attempt(), day, run.cpuSeconds(), usd, details);
    }

    /**
     * Records what an org keeps stored today (UTC, by the meter's clock): {@value #STORAGE} cost of the day's share of
     * its GB-month price, {@code (bytesAudio + bytesOffline) / 2^30 x storage_gb_month_usd / days in the month}. The
     * row's job is the day, so a second measurement the same day counts once (the first one stands).
     */
    public Recorded recordStorage(String orgId, long bytesAudio, long bytesOffline) {
        if (bytesAudio < 0 || bytesOffline < 0) {
            throw new IllegalArgumentException("stored bytes are >= 0");
        }
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        BigDecimal usd = storageUsd(bytesAudio + bytesOffline, prices.storageGbMonthUsd(), YearMonth.from(day));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bytes_audio", bytesAudio);
        details.put("bytes_offline", bytesOffline);
        return record(orgId, STORAGE, day.toString(), 1, day, 0, usd, details);
    }

    /** A day of {@code bytes} kept: GB (2^30 bytes, as object stores bill) x the GB-month price / the month's days. */
    static BigDecimal storageUsd(long bytes, double gbMonthUsd, YearMonth month) {
        BigDecimal gb = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(BYTES_PER_GB), MathContext.DECIMAL64);
        return OrgCosts.scaled(gb.multiply(BigDecimal.valueOf(gbMonthUsd)).divide(BigDecimal.valueOf(month.lengthOfMonth()), MathContext.DECIMAL64));
    }

    private Recorded record(String orgId, String kind, String jobId, int attempt, LocalDate day, double cpuSeconds, BigDecimal usd,
            Map<String, Object> details) {
        YearMonth month = YearMonth.from(day);
        List<CapThresholds.Crossing> crossed = new ArrayList<>();
        Recorded recorded;
        try (Connection c = dataSource.getConnection()) {
            recorded = Database.inTransaction(c, tx -> {
                // The admission's lock: a cost and a cap decision of one org never interleave.
                String planId = CostCap.lockOrg(tx, orgId);
                BigDecimal before = costs.monthToDate(tx, orgId, month).spentUsd();
                boolean first = insert(tx, orgId, kind, jobId, attempt, day, cpuSeconds, usd, details);
                BigDecimal added = first ? usd : BigDecimal.ZERO;
                BigDecimal after = before.add(added);
                plans.find(planId).ifPresent(plan -> crossed.addAll(crossings(orgId, month, plan, before, after)));
                return new Recorded(first, added, after);
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("recording a measured cost", e);
        }
        // After the commit: an alert never announces a cost that was rolled back.
        crossed.forEach(thresholds::crossed);
        return recorded;
    }

    /**
     * Alerts the thresholds of the org's cap that its month-to-date cost has reached, for costs that reach the cap
     * without passing through {@link #record}: the API calls, priced from the billing ledger's closed days when the
     * lander writes them. Every threshold at or below what was spent is reported; the alerts' unique key (one per
     * threshold and month) makes a threshold already alerted, by a job's cost or an earlier landing, a no-op.
     *
     * @return the thresholds reported (already alerted ones included)
     */
    public List<CapThresholds.Crossing> recheckMonth(String orgId, YearMonth month) {
        List<CapThresholds.Crossing> reached = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            String planId = CostCap.planOf(c, orgId);
            if (planId == null) {
                return reached;
            }
            BigDecimal spent = costs.monthToDate(c, orgId, month).spentUsd();
            plans.find(planId).ifPresent(plan -> reached.addAll(crossings(orgId, month, plan, BigDecimal.ZERO, spent)));
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading an org's month-to-date cost", e);
        }
        reached.forEach(thresholds::crossed);
        return reached;
    }

    /** The thresholds of the plan's cap that lie in (before, after]. */
    static List<CapThresholds.Crossing> crossings(String orgId, YearMonth month, PlanCatalog.Plan plan, BigDecimal before, BigDecimal after) {
        Double cap = plan.costCaps().monthlyUsd();
        List<CapThresholds.Crossing> out = new ArrayList<>();
        if (cap == null || cap <= 0 || after.compareTo(before) <= 0) {
            return out;
        }
        BigDecimal capUsd = BigDecimal.valueOf(cap);
        for (int percent : plan.alertThresholds()) {
            BigDecimal at = capUsd.multiply(BigDecimal.valueOf(percent)).movePointLeft(2);
            if (before.compareTo(at) < 0 && after.compareTo(at) >= 0) {
                out.add(new CapThresholds.Crossing(orgId, month, percent, after, capUsd, plan.costCaps().hardStop()));
            }
        }
        return out;
    }

    private static boolean insert(Connection tx, String orgId, String kind, String jobId, int attempt, LocalDate day, double cpuSeconds,
            BigDecimal usd, Map<String, Object> details) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO usage_costs (org_id, kind, job_id, attempt, day, cpu_seconds, usd, details) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (org_id, kind, job_id, attempt) DO NOTHING")) {
            ps.setString(1, orgId);
            ps.setString(2, kind);
            ps.setString(3, jobId);
            ps.setInt(4, attempt);
            ps.setDate(5, Date.valueOf(day));
            ps.setDouble(6, cpuSeconds);
            ps.setBigDecimal(7, usd);
            ps.setString(8, json(details));
            return ps.executeUpdate() == 1;
        }
    }

    private static String json(Map<String, Object> details) {
        try {
            return EventCodec.mapper().writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a cost's details must be plain JSON values: " + e.getOriginalMessage(), e);
        }
    }
}
