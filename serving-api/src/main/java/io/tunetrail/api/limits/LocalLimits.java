package io.tunetrail.api.limits;

import io.tunetrail.model.PlanCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits and quotas decided in this process while Redis cannot be reached (the API's degraded mode), and the
 * units admitted meanwhile, kept until {@link UsageLimiter#reconcile()} adds them to the Redis counters.
 *
 * <p><b>Rate</b>: the same GCRA as the Redis script, per key, at {@link #RATE_SHARE} of the plan's rate and burst. The
 * share is conservative because every API instance limits on its own while Redis is down: two instances together
 * still stay at the plan's rate.
 *
 * <p><b>Quotas</b>: the day and month usage Redis last reported to this process for the org and resource, plus what
 * this process admitted since; a request that would pass a limit is refused as usual. An org this process has not
 * seen since it started counts from zero (it is admitted rather than refused on a guess); reconciliation then brings
 * the Redis counters up to the truth, and further calls are refused there if the limit was passed.
 *
 * <p>Decisions here are rare (only during an outage), so one lock keeps the check-and-count of a request atomic.
 */
final class LocalLimits {
    /** The share of a plan's rate and burst each instance allows per key while Redis is down. */
    static final double RATE_SHARE = 0.5;

    /** Units of a resource an org used in one UTC day, admitted here and not yet in Redis. */
    record DayUnits(String orgId, String resource, LocalDate day) {}

    /** Admitted calls of one key on one route in one UTC day, not yet in Redis (GET /api-keys/{id}/usage reads them). */
    record RouteCalls(String orgId, String keyId, LocalDate day, String route) {}

    /** What the limits admitted here and Redis has not counted yet. */
    record Pending(Map<DayUnits, Long> units, Map<RouteCalls, Long> calls) {
        boolean isEmpty() {
            return units.isEmpty() && calls.isEmpty();
        }

        long totalUnits() {
            return units.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The usage Redis last reported for an org and resource. */
    private record Known(LocalDate day, long dayUsed, YearMonth month, long monthUsed) {}

    private final Map<String, Double> tatByKey = new HashMap<>();
    private final Map<DayUnits, Long> units = new HashMap<>();
    private final Map<RouteCalls, Long> calls = new HashMap<>();
    /** Written on every Redis decision, so concurrent; read only here. */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    /** Remembers what Redis reported after a decision, the base of the local quota checks. */
    void remember(String orgId, String resource, Instant now, long dayUsed, long monthUsed) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        known.put(orgId + '|' + resource, new Known(day, dayUsed, YearMonth.from(day), monthUsed));
    }

    synchronized UsageLimiter.Decision check(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units,
            Instant now, boolean unlimitedQuotas, String route) {
        PlanCatalog.RateLimit rate = plan.rateLimit();
        long nowMs = now.toEpochMilli();
        long remaining = -1;
        long resetMs = 0;
        Integer burst = null;
        double newTat = 0;
        if (!rate.isUnlimited()) {
            double t = 60_000.0 / (rate.requestsPerMinute() * RATE_SHARE);
            burst = Math.max(1, (int) Math.floor((rate.burst() == null ? 1 : Math.max(1, rate.burst())) * RATE_SHARE));
            double tat = Math.max(nowMs, tatByKey.getOrDefault(orgId + '|' + keyId, (double) nowMs));
            newTat = tat + t * units;
            double allowAt = newTat - burst * t;
            if (nowMs < allowAt) {
                return new UsageLimiter.Decision(UsageLimiter.Outcome.RATE_LIMITED, burst, 0, (long) Math.ceil(allowAt - nowMs),
                        (long) Math.ceil(tat - nowMs), 0, 0, -1, null);
            }
            remaining = (long) Math.floor((nowMs - allowAt) / t);
            resetMs = (long) Math.ceil(newTat - nowMs);
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(day);
        DayUnits dayKey = new DayUnits(orgId, resource, day);
        Known base = known.get(orgId + '|' + resource);
        long dayUsed = (base != null && base.day().equals(day) ? base.dayUsed() : 0) + this.units.getOrDefault(dayKey, 0L) + units;
        long monthUsed = (base != null && base.month().equals(month) ? base.monthUsed() : 0) + pendingInMonth(orgId, resource, month) + units;
        PlanCatalog.Limit limit = plan.limit(resource);
        if (!unlimitedQuotas && limit.perDay() != null && dayUsed > limit.perDay()) {
            return new UsageLimiter.Decision(UsageLimiter.Outcome.DAY_QUOTA, burst, remaining, 0, resetMs, dayUsed - units, monthUsed - units,
                    limit.perDay(), null);
        }
        if (!unlimitedQuotas && limit.perMonth() != null && monthUsed > limit.perMonth()) {
            return new UsageLimiter.Decision(UsageLimiter.Outcome.MONTH_QUOTA, burst, remaining, 0, resetMs, dayUsed - units, monthUsed - units,
                    limit.perMonth(), null);
        }
        if (burst != null) {
            tatByKey.put(orgId + '|' + keyId, newTat);
        }
        this.units.merge(dayKey, units, Long::sum);
        calls.merge(new RouteCalls(orgId, keyId, day, route), 1L, Long::sum);
        return new UsageLimiter.Decision(UsageLimiter.Outcome.ALLOWED, burst, remaining, 0, resetMs, dayUsed, monthUsed, -1, null);
    }

    /** The key's local rate state, for the RateLimit-* headers of requests that count nothing; null without a rate limit. */
    synchronized UsageLimiter.RateState peek(String orgId, String keyId, PlanCatalog.Plan plan, Instant now) {
        PlanCatalog.RateLimit rate = plan.rateLimit();
        if (rate.isUnlimited()) {
            return null;
        }
        double t = 60_000.0 / (rate.requestsPerMinute() * RATE_SHARE);
        int burst = Math.max(1, (int) Math.floor((rate.burst() == null ? 1 : Math.max(1, rate.burst())) * RATE_SHARE));
        long nowMs = now.toEpochMilli();
        double tat = Math.max(nowMs, tatByKey.getOrDefault(orgId + '|' + keyId, (double) nowMs));
        long remaining = (long) Math.floor((nowMs - (tat - burst * t)) / t);
        return new UsageLimiter.RateState(burst, Math.max(0, Math.min(burst, remaining)), (long) Math.ceil(tat - nowMs));
    }

    /** Takes everything admitted here so far (to be added to Redis); the local rate state is dropped with it. */
    synchronized Pending drain() {
        Pending p = new Pending(Map.copyOf(units), Map.copyOf(calls));
        units.clear();
        calls.clear();
        tatByKey.clear();
        return p;
    }

    synchronized boolean hasPending() {
        return !units.isEmpty() || !calls.isEmpty();
    }

    private long pendingInMonth(String orgId, String resource, YearMonth month) {
        long sum = 0;
        for (Map.Entry<DayUnits, Long> e : units.entrySet()) {
            DayUnits k = e.getKey();
            if (k.orgId().equals(orgId) && k.resource().equals(resource) && YearMonth.from(k.day()).equals(month)) {
                sum += e.getValue();
            }
        }
        return sum;
    }
}
