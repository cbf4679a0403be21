package io.tunetrail.api.alerts;

import io.tunetrail.model.PlanCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/**
 * Detects the moment an org's use reaches one of its plan's alert thresholds ({@code alerts.thresholds} of
 * {@code config/plans.yaml}, percentages of each quota and of the cost cap) and hands each such {@link Crossing} on to
 * be recorded (in the app, {@link AlertWriter#offer}, off the request thread).
 *
 * <p>A threshold t of a limit L is crossed by the use that takes the counter from below t% of L to at least t%:
 * {@code before * 100 < t * L <= after * 100}. The quota counters are incremented atomically by the limit script,
 * so for each threshold exactly one admitted request sees that step, and it is detected here from the day and month
 * totals the script already returned: no Redis round trip is added. A request that crosses nothing allocates nothing
 * (an index loop over the plan's thresholds, unboxed values only), because the check runs on every metered request.
 * A counter that goes down and up again (an upload whose unit was refunded, a Redis outage's local decisions) can show
 * the same crossing twice; {@link AlertStore}'s unique key keeps one alert per period.
 */
public final class ThresholdAlerts {
    private final Consumer<Crossing> sink;

    public ThresholdAlerts(Consumer<Crossing> sink) {
        this.sink = sink;
    }

    /**
     * Called for every admitted metered request with the day and month totals of {@code resource} after it was counted
     * ({@code units} included). Quotas the plan leaves unlimited, or sets to 0 (nothing is ever admitted there), alert
     * nothing; neither does the community edition, whose quotas are never enforced.
     */
    public void quotaAdmitted(String orgId, PlanCatalog.Plan plan, boolean unlimitedQuotas, String resource, long units, long dayUsed,
            long monthUsed, Instant now) {
        if (unlimitedQuotas) {
            return;
        }
        PlanCatalog.Limit limit = plan.limit(resource);
        Long perDay = limit.perDay();
        if (perDay != null && perDay > 0) {
            quota(orgId, plan.alertThresholds(), resource, Crossing.DAY, perDay, units, dayUsed, now);
        }
        Long perMonth = limit.perMonth();
        if (perMonth != null && perMonth > 0) {
            quota(orgId, plan.alertThresholds(), resource, Crossing.MONTH, perMonth, units, monthUsed, now);
        }
    }

    private void quota(String orgId, List<Integer> thresholds, String resource, String period, long limit, long units, long used, Instant now) {
        long before = used - units;
        for (int i = 0, n = thresholds.size(); i < n; i++) {
            long mark = thresholds.get(i) * limit;
            if (before * 100 < mark && used * 100 >= mark) {
                sink.accept(new Crossing(orgId, Crossing.QUOTA, resource, period, periodStart(period, now), thresholds.get(i),
                        BigDecimal.valueOf(limit), BigDecimal.valueOf(used), now));
            }
        }
    }

    /**
     * For the cost meter: the org's month-to-date cost went from {@code beforeUsd} to {@code afterUsd} in {@code month};
     * every threshold of the plan's {@code cost_caps.monthly_usd} this step reached is alerted once for the month. A plan
     * without a cap, or with a cap of $0 (where any cost is over it: the cap's refusal says so, not a percentage), alerts
     * nothing. Safe to call from any thread and with overlapping steps: the store keeps one alert per threshold and month.
     */
    public void costAccrued(String orgId, PlanCatalog.Plan plan, YearMonth month, BigDecimal beforeUsd, BigDecimal afterUsd, Instant at) {
        Double cap = plan.costCaps().monthlyUsd();
        if (cap == null || cap <= 0) {
            return;
        }
        BigDecimal limit = BigDecimal.valueOf(cap);
        for (int t : plan.alertThresholds()) {
            BigDecimal mark = limit.multiply(BigDecimal.valueOf(t)).movePointLeft(2);
            if (beforeUsd.compareTo(mark) < 0 && afterUsd.compareTo(mark) >= 0) {
                sink.accept(new Crossing(orgId, Crossing.COST_CAP, Crossing.COST_RESOURCE, Crossing.MONTH, month.atDay(1), t, limit, afterUsd, at));
            }
        }
    }

    private static LocalDate periodStart(String period, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return Crossing.DAY.equals(period) ? day : day.withDayOfMonth(1);
    }
}
