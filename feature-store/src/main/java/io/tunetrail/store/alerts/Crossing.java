package io.tunetrail.store.alerts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * One threshold of a quota or cost cap reached by an org in one period: what the API's quota check and the cost meter
 * detect and {@link AlertRecorder} records once.
 *
 * @param kind        {@link #QUOTA} or {@link #COST_CAP}
 * @param resource    the metered resource ({@code api_calls}, ...), or {@link #COST_RESOURCE} for a cost cap
 * @param period      {@code day} or {@code month}
 * @param periodStart the UTC day, or the first day of the UTC month
 */
public record Crossing(String orgId, String kind, String resource, String period, LocalDate periodStart, int thresholdPercent,
        BigDecimal limit, BigDecimal used, Instant reachedAt) {
    public static final String QUOTA = "quota";
    public static final String COST_CAP = "cost_cap";
    public static final String COST_RESOURCE = "cost_usd";
    public static final String DAY = "day";
    public static final String MONTH = "month";
    /**
     * The quotas that limit what an org holds at once ({@code max} in {@code config/plans.yaml}) rather than what it
     * uses in a period: nothing resets them, so their alerts are kept per month (period {@link #MONTH}).
     */
    public static final Set<String> HELD = Set.of("tracks", "team_members");

    /** When the period that starts on {@code start} ends: the quota or cap starts again then. */
    public static Instant resetsAt(String period, LocalDate start) {
        return (DAY.equals(period) ? start.plusDays(1) : start.plusMonths(1)).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
