package io.tunetrail.store.costs;

import java.math.BigDecimal;
import java.time.YearMonth;

/**
 * Where the cost meter says an org's month-to-date cost crossed one of its plan's alert thresholds of the cost cap
 * ({@code alerts.thresholds} in config/plans.yaml, percent of {@code cost_caps.monthly_usd}). The alerts
 * (webhook event, alert list, e-mail outbox, once per period) plug in here; the meter calls it after the cost that
 * crossed is committed, once per threshold crossed by that cost.
 */
@FunctionalInterface
public interface CapThresholds {
    /** Nothing listens (no alerts wired yet). */
    CapThresholds NONE = crossing -> { };

    /** One threshold crossed: {@code percent} of {@code capUsd}, by {@code spentUsd} in {@code month}. */
    record Crossing(String orgId, YearMonth month, int percent, BigDecimal spentUsd, BigDecimal capUsd, boolean hardStop) {}

    void crossed(Crossing crossing);
}
