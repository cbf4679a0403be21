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
 * <p><b>Rate</b>: the same three GCRA states as the Redis script (the key's per-minute rate, its per-second cap, the
 * org's ceiling), each at {@link #RATE_SHARE} of the plan's rate and burst. The share is conservative because every API
 * instance limits on its own while Redis is down: two instances together still stay at the plan's rates. Without the
 * per-second and org states an outage would have let one key spend its burst in a burst and an org with many keys pass
 * its ceiling, exactly what those limits exist to stop.
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
    private final Map<String, Double> tatBySecondKey = new HashMap<>();
    private final Map<String, Double> tatByOrg = new HashMap<>();
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
        Gcra perMinute = null;
        Gcra perSecond = null;
        Gcra org = null;
        if (!rate.isUnlimited()) {
            perMinute = Gcra.of(tatByKey, orgId + '|' + keyId, 60_000.0, rate.requestsPerMinute(), rate.burst(), nowMs, units);
            burst = perMinute.burst;
            if (!perMinute.admits()) {
                return perMinute.refusal(UsageLimiter.Outcome.RATE_LIMITED, nowMs);
            }
            remaining = perMinute.remaining(nowMs);
            resetMs = (long) Math.ceil(perMinute.newTat - nowMs);
            if (rate.requestsPerSecond() != null) {
                // The Redis script's per-second burst is one second's worth; here it is that share of it.
                perSecond = Gcra.of(tatBySecondKey, orgId + '|' + keyId, 1_000.0, rate.requestsPerSecond(), rate.requestsPerSecond(),
                        nowMs, units);
                if (!perSecond.admits()) {
                    return perSecond.refusal(UsageLimiter.Outcome.RATE_LIMITED, nowMs, burst, Math.max(resetMs, perSecond.waitMs(nowMs)));
                }
                remaining = Math.min(remaining, perSecond.remaining(nowMs));
            }
            if (rate.orgRequestsPerMinute() != null) {
                org = Gcra.of(tatByOrg, orgId, 60_000.0, rate.orgRequestsPerMinute(), rate.orgBurst(), nowMs, units);
                if (!org.admits()) {
                    return org.refusal(UsageLimiter.Outcome.ORG_RATE_LIMITED, nowMs, burst, Math.max(resetMs, org.waitMs(nowMs)));
                }
                remaining = Math.min(remaining, org.remaining(nowMs));
                resetMs = Math.max(resetMs, (long) Math.ceil(org.newTat - nowMs));
            }
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
        for (Gcra admitted : new Gcra[] {perMinute, perSecond, org}) {
            if (admitted != null) {
                admitted.advance();
            }
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
        long nowMs = now.toEpochMilli();
        Gcra perMinute = Gcra.of(tatByKey, orgId + '|' + keyId, 60_000.0, rate.requestsPerMinute(), rate.burst(), nowMs, 0);
        return new UsageLimiter.RateState(perMinute.burst, Math.max(0, Math.min(perMinute.burst, perMinute.remaining(nowMs))),
                perMinute.waitMs(nowMs));
    }

    /** Takes everything admitted here so far (to be added to Redis); the local rate state is dropped with it. */
    synchronized Pending drain() {
        Pending p = new Pending(Map.copyOf(units), Map.copyOf(calls));
        units.clear();
        calls.clear();
        tatByKey.clear();
        tatBySecondKey.clear();
        tatByOrg.clear();
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

    /**
     * One GCRA state at {@link #RATE_SHARE} of a rate of {@code rate} requests per {@code windowMs} with a burst of
     * {@code burst}: the request's candidate state, advanced in {@code tats} only by {@link #advance()}, so a request
     * refused by a later state leaves the earlier ones untouched (as the Redis script does).
     */
    private static final class Gcra {
        final Map<String, Double> tats;
        final String id;
        final double interval;
        final int burst;
        final long now;
        final double tat;
        final double newTat;

        private Gcra(Map<String, Double> tats, String id, double interval, int burst, long now, double tat, double newTat) {
            this.tats = tats;
            this.id = id;
            this.interval = interval;
            this.burst = burst;
            this.now = now;
            this.tat = tat;
            this.newTat = newTat;
        }

        static Gcra of(Map<String, Double> tats, String id, double windowMs, int rate, Integer burst, long nowMs, long units) {
            double interval = windowMs / (rate * RATE_SHARE);
            int sharedBurst = Math.max(1, (int) Math.floor((burst == null ? 1 : Math.max(1, burst)) * RATE_SHARE));
            double tat = Math.max(nowMs, tats.getOrDefault(id, (double) nowMs));
            return new Gcra(tats, id, interval, sharedBurst, nowMs, tat, tat + interval * units);
        }

        double allowAt() {
            return newTat - burst * interval;
        }

        boolean admits() {
            // Times are epoch milliseconds (~1.8e12, where a double's step is ~2.4e-4 ms) and intervals like 60 s / 900
            // are not exact: the tolerance keeps the n-th call of a burst of n from being refused by the rounding of n
            // summed intervals. 0.05 ms early is nothing next to any plan's interval.
            return now >= allowAt() - 0.05;
        }

        long remaining(long nowMs) {
            return (long) Math.floor((nowMs - allowAt()) / interval);
        }

        /** Until the bucket is full again. */
        long waitMs(long nowMs) {
            return (long) Math.ceil(tat - nowMs);
        }

        UsageLimiter.Decision refusal(UsageLimiter.Outcome outcome, long nowMs) {
            return refusal(outcome, nowMs, burst, waitMs(nowMs));
        }

        UsageLimiter.Decision refusal(UsageLimiter.Outcome outcome, long nowMs, Integer reportedBurst, long resetMs) {
            return new UsageLimiter.Decision(outcome, reportedBurst, 0, (long) Math.ceil(allowAt() - nowMs), resetMs, 0, 0, -1, null);
        }

        void advance() {
            tats.put(id, newTat);
        }
    }
}
