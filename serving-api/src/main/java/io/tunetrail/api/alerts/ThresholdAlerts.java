package io.tunetrail.api.alerts;

import io.tunetrail.store.alerts.Crossing;
import io.tunetrail.model.PlanCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects the moment an org's use reaches one of its plan's alert thresholds ({@code alerts.thresholds} of
 * {@code config/plans.yaml}, percentages of each quota and of each limit on what the org holds; the cost cap's are detected by the cost meter) and hands each such {@link Crossing} on to
 * be recorded (in the app, {@link AlertWriter#offer}, off the request thread).
 *
 * <p>A threshold t of a limit L is crossed by the use that takes the counter from below t% of L to at least t%:
 * {@code before * 100 < t * L <= after * 100}. The quota counters are incremented atomically by the limit script,
 * so for each threshold exactly one admitted request sees that step, and it is detected here from the day and month
 * totals the script already returned: no Redis round trip is added. A request that crosses nothing allocates nothing
 * (an index loop over the plan's thresholds, unboxed values only), because the check runs on every metered request.
 * A counter that goes down and up again (an upload whose unit was refunded, a Redis outage's local decisions) can show
 * the same crossing twice; the alerts table's unique key keeps one alert per period.
 */
public final class ThresholdAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdAlerts.class);

    private final Consumer<Crossing> sink;

    public ThresholdAlerts(Consumer<Crossing> sink) {
        this.sink = sink;
    }

    /**
     * Alerts recorded on the caller's thread, for adds made outside the API's request path (an accepted console
     * invitation, {@code admin console-user create}), which are rare enough to need no writer thread. Call it after the
     * add committed: a crossing that cannot be recorded is logged, and never undoes or fails that add.
     */
    public static ThresholdAlerts recordedNow(AlertStore store) {
        return new ThresholdAlerts(crossing -> {
            try {
                store.record(crossing);
            } catch (RuntimeException e) {
                LOG.error("threshold alert of {} ({} {}% of {}) not recorded: {}", crossing.orgId(), crossing.resource(),
                        crossing.thresholdPercent(), crossing.limit(), e.getMessage());
            }
        });
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

    /**
     * Called after something the org holds was added ({@link Crossing#HELD}: tracks, team members), with its count
     * before the add was checked and after it was written. Counting both sides covers adds racing each other (each
     * sees a range that holds every threshold it may have crossed; the alerts table keeps one). Such a limit has no
     * period of its own, so its alerts are per UTC month: at most once per threshold and month.
     */
    public void heldCountRose(String orgId, PlanCatalog.Plan plan, boolean unlimitedQuotas, String resource, long before, long after,
            Instant now) {
        Long max = plan.limit(resource).max();
        if (unlimitedQuotas || max == null || max <= 0 || after <= before) {
            return;
        }
        quota(orgId, plan.alertThresholds(), resource, Crossing.MONTH, max, after - before, after, now);
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

    private static LocalDate periodStart(String period, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return Crossing.DAY.equals(period) ? day : day.withDayOfMonth(1);
    }
}
