package io.tunetrail.api.limits;

import io.tunetrail.store.usage.ApiRefusals;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the API's 402 and 429 refusals per org, UTC day, API key, route class and reason in memory, and hands them to
 * PostgreSQL ({@link ApiRefusals}, for {@code mart_usage_daily}) in one batch per {@link #flush}: a refusal costs a map
 * lookup and an increment on the request thread, never a round trip.
 *
 * <p>A flush that fails (PostgreSQL down) puts its counts back, so the next one writes them; counts are lost only when
 * the process dies between flushes, or when more than {@link #MAX_KEYS} distinct keys wait (then new keys are dropped
 * and counted in {@link #dropped()}: refusals are a report, not billing).
 */
public final class RefusalCounter {
    /** Distinct org/day/key/route class/reason combinations held between flushes. */
    public static final int MAX_KEYS = 50_000;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalCounter.class);
    private static final Map<UsageLimiter.Outcome, String> LIMIT_REASONS = Map.of(
            UsageLimiter.Outcome.RATE_LIMITED, "rate_limited", UsageLimiter.Outcome.ORG_RATE_LIMITED, "org_rate_limited",
            UsageLimiter.Outcome.DAY_QUOTA, "day_quota", UsageLimiter.Outcome.MONTH_QUOTA, "month_quota");

    private record Key(String orgId, LocalDate day, String apiKeyId, String routeClass, String reason, int status) {}

    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Consumer<Collection<ApiRefusals.Count>> sink;
    private final Clock clock;
    private final LongAdder dropped = new LongAdder();
    private final Object flushing = new Object();

    /** {@code sink} adds one batch of counts, all or nothing ({@link ApiRefusals#add}). */
    public RefusalCounter(Consumer<Collection<ApiRefusals.Count>> sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** A 402 for a plan feature the key's plan lacks, on a route of {@code routeClass} (null: the route meters nothing). */
    public void planFeature(String orgId, String apiKeyId, String routeClass, String feature, Instant at) {
        count(orgId, apiKeyId, routeClass, "plan_feature:" + feature, 402, at);
    }

    /** A 402 for a model family ({@code ?model=}) outside the plan's ladder. */
    public void planModelFamily(String orgId, String apiKeyId, String routeClass, Instant at) {
        count(orgId, apiKeyId, routeClass, "plan_model_family", 402, at);
    }

    /** A 429 of the limit check: rate_limited, org_rate_limited, day_quota or month_quota. */
    public void limited(String orgId, String apiKeyId, String routeClass, UsageLimiter.Outcome outcome, Instant at) {
        count(orgId, apiKeyId, routeClass, LIMIT_REASONS.get(outcome), 429, at);
    }

    private void count(String orgId, String apiKeyId, String routeClass, String reason, int status, Instant at) {
        Key key = new Key(orgId, LocalDate.ofInstant(at, ZoneOffset.UTC), apiKeyId, routeClass == null ? ApiRefusals.UNMETERED : routeClass,
                reason, status);
        LongAdder n = counts.get(key);
        if (n == null) {
            if (counts.size() >= MAX_KEYS) {
                dropped.increment();
                return;
            }
            n = counts.computeIfAbsent(key, k -> new LongAdder());
        }
        n.increment();
    }

    /**
     * Writes what was counted since the last flush; returns the refusals written (0 when the write failed: they are then
     * kept for the next flush).
     */
    public long flush() {
        synchronized (flushing) {
            List<ApiRefusals.Count> batch = new ArrayList<>();
            long total = 0;
            for (Map.Entry<Key, LongAdder> e : counts.entrySet()) {
                long n = e.getValue().sumThenReset();
                if (n > 0) {
                    Key k = e.getKey();
                    batch.add(new ApiRefusals.Count(k.orgId(), k.day(), k.apiKeyId(), k.routeClass(), k.reason(), k.status(), n));
                    total += n;
                }
            }
            if (!batch.isEmpty()) {
                try {
                    sink.accept(batch);
                } catch (RuntimeException ex) {
                    for (ApiRefusals.Count c : batch) {
                        counts.computeIfAbsent(new Key(c.orgId(), c.day(), c.apiKeyId(), c.routeClass(), c.reason(), c.status()),
                                k -> new LongAdder()).add(c.refusals());
                    }
                    LOG.warn("refused API calls not written yet ({} kept for the next attempt): {}", total, ex.getMessage());
                    return 0;
                }
            }
            // Keys of days before yesterday get no more refusals (a request in flight at midnight counts on yesterday).
            LocalDate yesterday = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
            counts.entrySet().removeIf(e -> e.getKey().day().isBefore(yesterday) && e.getValue().sum() == 0);
            return total;
        }
    }

    /** Refusals not counted because {@link #MAX_KEYS} keys were waiting. */
    public long dropped() {
        return dropped.sum();
    }
}
