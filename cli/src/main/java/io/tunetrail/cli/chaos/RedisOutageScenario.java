package io.tunetrail.cli.chaos;

import static io.tunetrail.cli.chaos.BackgroundLoad.count;
import static io.tunetrail.cli.chaos.BackgroundLoad.maxMillis;
import static io.tunetrail.cli.chaos.BackgroundLoad.replies;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenario 3: Redis stopped for a while under API load. Expected: the API keeps answering in its degraded mode —
 * routes that need no Redis data (a PostgreSQL-backed metered route, an admin route) answer 200 with limits decided
 * in-process at a share of the plan's rate, routes that need Redis data answer 503 {@code redis_unavailable} with
 * Retry-After, nothing hangs — and once Redis is back the units counted meanwhile are in its quota counters.
 */
public final class RedisOutageScenario implements ChaosScenario {
    private static final String TOP = "GET /api/v1/tracks/top";
    private static final String ADMIN = "GET /api/v1/api-keys";
    private static final String STATS = "GET /api/v1/interactions/stats";
    /** Requests per second of each route of the load. */
    private static final double PACE = 8;

    private final Duration outage;

    /** The 30-second outage. */
    public RedisOutageScenario() {
        this(Duration.ofSeconds(30));
    }

    /** An outage of {@code outage} (tests use a shorter one). */
    public RedisOutageScenario(Duration outage) {
        this.outage = outage;
    }

    @Override
    public String name() {
        return "redis-down";
    }

    @Override
    public String description() {
        return "Redis stopped for " + outage.toSeconds() + " s under API load: degraded mode, then quotas reconciled";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        Checks checks = new Checks(progress);
        ServiceOutage redis = new ServiceOutage(config, "redis", progress);
        try (ChaosApi api = ChaosApi.start(config, Map.of())) {
            ChaosApi.Tenant pro = api.tenant("redis", "pro");
            ChaosApi.Tenant starter = api.tenant("redis-rate", "starter");
            // Warm up: keys cached, and the limiter has seen the org's usage in Redis (its base in degraded mode).
            for (int i = 0; i < 3; i++) {
                api.get("/api/v1/tracks/top", pro.key());
                api.get("/api/v1/tracks/top", starter.key());
            }
            long proBefore = api.apiCallsToday(pro);
            long starterBefore = api.apiCallsToday(starter);
            BackgroundLoad load = new BackgroundLoad(List.of(
                    new BackgroundLoad.Route(TOP, () -> api.get("/api/v1/tracks/top", pro.key())),
                    new BackgroundLoad.Route(ADMIN, () -> api.get("/api/v1/api-keys", pro.key())),
                    new BackgroundLoad.Route(STATS, () -> api.get("/api/v1/interactions/stats", pro.key()))), PACE);
            Thread.sleep(1_000);
            long downAt = redis.stop(load);

            // A starter key's burst while Redis is down: the local limit allows the configured share of it.
            long b0 = System.nanoTime();
            List<ChaosApi.Reply> burst = BackgroundLoad.atOnce(80, () -> api.get("/api/v1/tracks/top", starter.key()));
            double burstSeconds = (System.nanoTime() - b0) / 1e9;
            long burstAdmitted = count(burst, r -> r.status() == 200);
            long burstRefused = count(burst, r -> r.status() == 429);
            long burstOther = burst.size() - burstAdmitted - burstRefused;

            Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - downAt) / 1_000_000));
            double downSeconds = (System.nanoTime() - downAt) / 1e9;
            long upAt = redis.start(load, "reconciling");
            while (api.limiter().degraded() && System.nanoTime() - upAt < Duration.ofSeconds(15).toNanos()) {
                Thread.sleep(50);
            }
            double reconcileSeconds = (System.nanoTime() - upAt) / 1e9;
            boolean recovered = !api.limiter().degraded();
            load.phase("after");
            Thread.sleep(2_000);
            List<BackgroundLoad.Sample> samples = load.stop();
            // Requests that were decided locally just as Redis came back are added by the next reconciliation.
            api.limiter().reconcile();

            List<ChaosApi.Reply> topDown = replies(samples, "down", TOP);
            List<ChaosApi.Reply> adminDown = replies(samples, "down", ADMIN);
            List<ChaosApi.Reply> statsDown = replies(samples, "down", STATS);
            long serverErrors = samples.stream().filter(s -> !s.route().equals(STATS))
                    .filter(s -> s.reply().status() >= 500 || s.reply().status() < 0).count();
            long maxDownMillis = Math.max(maxMillis(topDown), Math.max(maxMillis(adminDown), maxMillis(statsDown)));
            checks.that(!topDown.isEmpty() && count(topDown, r -> r.status() == 200) == topDown.size(),
                    "a metered route without Redis data answers 200 while Redis is down", count(topDown, r -> r.status() == 200) + "/" + topDown.size());
            checks.that(!adminDown.isEmpty() && count(adminDown, r -> r.status() == 200) == adminDown.size(),
                    "an admin route answers 200 while Redis is down", count(adminDown, r -> r.status() == 200) + "/" + adminDown.size());
            checks.that(!statsDown.isEmpty() && count(statsDown, r -> r.isProblem(503, "redis_unavailable")) == statsDown.size(),
                    "a route that reads Redis answers 503 redis_unavailable problem+json with Retry-After",
                    count(statsDown, r -> r.isProblem(503, "redis_unavailable")) + "/" + statsDown.size());
            checks.that(serverErrors == 0, "no 5xx or unanswered request on routes that need no Redis data, in any phase", serverErrors);
            // A request waiting on Redis would take its timeout (api.redis.timeout-ms) or more: 99 of 100 must be well under
            // a second, and none near a client's patience; single stalls of a second or two are this busy machine's.
            List<ChaosApi.Reply> allDown = new java.util.ArrayList<>(topDown);
            allDown.addAll(adminDown);
            allDown.addAll(statsDown);
            long p99Down = BackgroundLoad.percentileMillis(allDown, 99);
            checks.that(p99Down < 1_000 && maxDownMillis < 5_000, "no request waits on the dead Redis",
                    "p99 " + p99Down + " ms, slowest " + maxDownMillis + " ms");
            long shareBurst = 30; // starter: burst 60 at RATE_SHARE 0.5
            long refill = (long) Math.ceil(burstSeconds * 5); // 600 per minute at half: 5 per second
            checks.that(burstOther == 0 && burstAdmitted >= shareBurst && burstAdmitted <= shareBurst + refill + 1 && burstRefused > 0,
                    "a starter key's burst is limited in-process to half its plan's burst (30 + refill)",
                    burstAdmitted + " admitted, " + burstRefused + " refused, " + burstOther + " other in " + String.format("%.1f s", burstSeconds));
            checks.that(recovered, "limits go back to Redis once it answers and the local counts are added",
                    String.format("%.1f s after Redis started", reconcileSeconds));

            long proAdmitted = samples.stream().filter(s -> !s.route().equals(ADMIN)).filter(s -> s.reply().status() != 429).count();
            long proCounted = api.apiCallsToday(pro) - proBefore;
            long starterCounted = api.apiCallsToday(starter) - starterBefore;
            // The one metered request in flight when Redis was killed may have been counted by the script before its reply
            // was lost, and then again locally: at most one unit over, never under (no admitted call goes unbilled).
            checks.that(proCounted >= proAdmitted && proCounted <= proAdmitted + 1,
                    "the quota counter holds every metered call admitted before, during and after the outage (at most the one in flight at the kill twice)",
                    proCounted + " counted, " + proAdmitted + " admitted");
            checks.that(starterCounted == burstAdmitted, "the burst's admitted calls are in the quota counter after reconciliation",
                    starterCounted + " counted, " + burstAdmitted + " admitted");
            List<ChaosApi.Reply> statsAfter = replies(samples, "after", STATS);
            checks.that(!statsAfter.isEmpty() && count(statsAfter, r -> r.status() == 200) == statsAfter.size(),
                    "routes that read Redis answer 200 again after recovery", count(statsAfter, r -> r.status() == 200) + "/" + statsAfter.size());

            String measured = String.format("Redis down %.1f s: %d/%d metered and %d/%d admin calls 200, %d/%d Redis-reading calls 503 "
                    + "with Retry-After, p99 %d ms, slowest %d ms; starter burst %d of 80 admitted locally; %d units reconciled %.1f s after Redis "
                    + "started; quota counter = admitted (%d)",
                    downSeconds, count(topDown, r -> r.status() == 200), topDown.size(), count(adminDown, r -> r.status() == 200),
                    adminDown.size(), count(statsDown, r -> r.status() == 503), statsDown.size(), p99Down, maxDownMillis, burstAdmitted,
                    api.limiter().reconciledUnits(), reconcileSeconds, proCounted);
            return checks.outcome("answers from PostgreSQL with in-process limits at half the plan's rate; Redis-backed routes 503 + "
                    + "Retry-After; units counted meanwhile added to the Redis quotas when it returns", measured);
        } finally {
            redis.restoreStack();
        }
    }
}
