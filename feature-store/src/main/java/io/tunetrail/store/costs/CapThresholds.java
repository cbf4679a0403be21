package io.tunetrail.store.costs;

import java.math.BigDecimal;
import java.time.YearMonth;

/**
 * Where the cost meter says an org's month-to-date cost crossed one of its plan's alert thresholds of the cost cap
 * ({@code alerts.thresholds} in config/plans.yaml, percent of {@code cost_caps.monthly_usd}). The alerts
 * (webhook event, alert list, e-mail outbox, once per period: {@code CostCapAlerts}) plug in here; the meter calls it after the cost that
 * crossed is committed, once per threshold crossed by that cost.
 */
@FunctionalInterface
public interface CapThresholds {
    /** Nothing listens: for tests of the costs alone. The JVMs that meter pass {@code io.tunetrail.store.alerts.CostCapAlerts}. */
    CapThresholds NONE = crossing -> { };

    /** One threshold crossed: {@code percent} of {@code capUsd}, by {@code spentUsd} in {@code month}. */
    record Crossing(String orgId, YearMonth month, int percent, BigDecimal spentUsd, BigDecimal capUsd, boolean hardStop) {}

    void crossed(Crossing crossing);
}
