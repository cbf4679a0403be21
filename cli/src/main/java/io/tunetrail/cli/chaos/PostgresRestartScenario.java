package io.tunetrail.cli.chaos;

import static io.tunetrail.cli.chaos.BackgroundLoad.count;
import static io.tunetrail.cli.chaos.BackgroundLoad.maxMillis;
import static io.tunetrail.cli.chaos.BackgroundLoad.replies;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenario 4: PostgreSQL stopped and started again under API load. Expected: while it is down, requests that need it
 * fail fast with 503 {@code database_unavailable} problem+json and Retry-After (no 500, no request held longer than
 * the pool's connection timeout and a margin); once it is back the same API process answers 200 again, and after the
 * load no pool connection is left in use.
 */
public final class PostgresRestartScenario implements ChaosScenario {
    private static final String TOP = "GET /api/v1/tracks/top";
    private static final String SEARCH = "GET /api/v1/tracks";
    private static final String KEYS = "GET /api/v1/api-keys";
    private static final double PACE = 8;
    /** The pool's connection timeout (api.db.connect-timeout-ms, 1 s) plus room for a busy machine. */
    private static final long FAIL_FAST_MILLIS = 3_000;

    private final Duration outage;

    /** Down for 10 s. */
    public PostgresRestartScenario() {
        this(Duration.ofSeconds(10));
    }

    public PostgresRestartScenario(Duration outage) {
        this.outage = outage;
    }

    @Override
    public String name() {
        return "postgres-restart";
    }

    @Override
    public String description() {
        return "PostgreSQL stopped for " + outage.toSeconds() + " s and restarted under API load: fast 503s, recovery, no leak";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        Checks checks = new Checks(progress);
        ServiceOutage postgres = new ServiceOutage(config, "postgres", progress);
        try (ChaosApi api = ChaosApi.start(config, Map.of())) {
            ChaosApi.Tenant org = api.tenant("postgres", "pro");
            api.get("/api/v1/tracks/top", org.key());
            BackgroundLoad load = new BackgroundLoad(List.of(
                    new BackgroundLoad.Route(TOP, () -> api.get("/api/v1/tracks/top", org.key())),
                    new BackgroundLoad.Route(SEARCH, () -> api.get("/api/v1/tracks?q=a", org.key())),
                    new BackgroundLoad.Route(KEYS, () -> api.get("/api/v1/api-keys", org.key()))), PACE);
            Thread.sleep(1_000);
            long downAt = postgres.stop(load);
            Thread.sleep(outage.toMillis());
            double downSeconds = (System.nanoTime() - downAt) / 1e9;
            long upAt = postgres.start(load, "recovering");
            int firstStatus;
            do {
                firstStatus = api.get("/api/v1/tracks/top", org.key()).status();
                if (firstStatus != 200) {
                    Thread.sleep(100);
                }
            } while (firstStatus != 200 && System.nanoTime() - upAt < Duration.ofSeconds(30).toNanos());
            double recoverSeconds = (System.nanoTime() - upAt) / 1e9;
            load.phase("after");
            Thread.sleep(2_000);
            List<BackgroundLoad.Sample> samples = load.stop();

            HikariPoolMXBean pool = api.pool().getHikariPoolMXBean();
            long idleBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (pool.getActiveConnections() > 0 && System.nanoTime() < idleBy) {
                Thread.sleep(50);
            }

            List<ChaosApi.Reply> down = new ArrayList<>();
            List<ChaosApi.Reply> after = new ArrayList<>();
            for (String route : List.of(TOP, SEARCH, KEYS)) {
                down.addAll(replies(samples, "down", route));
                after.addAll(replies(samples, "after", route));
            }
            long unexpected = samples.stream().map(BackgroundLoad.Sample::reply)
                    .filter(r -> r.status() != 200 && !r.isProblem(503, "database_unavailable")).count();
            checks.that(!down.isEmpty() && count(down, r -> r.isProblem(503, "database_unavailable")) == down.size(),
                    "while PostgreSQL is down every request gets 503 database_unavailable problem+json with Retry-After",
                    count(down, r -> r.isProblem(503, "database_unavailable")) + "/" + down.size());
            checks.that(maxMillis(down) < FAIL_FAST_MILLIS, "the 503s come fast (pool connection timeout)", "slowest " + maxMillis(down) + " ms");
            checks.that(unexpected == 0, "no answer other than 200 or that 503 in any phase (no 500, no timeout)", unexpected);
            checks.that(firstStatus == 200, "the same API process answers 200 again once PostgreSQL is back",
                    String.format("%.1f s after it started", recoverSeconds));
            checks.that(!after.isEmpty() && count(after, r -> r.status() == 200) == after.size(), "every request after recovery answers 200",
                    count(after, r -> r.status() == 200) + "/" + after.size());
            checks.that(pool.getActiveConnections() == 0 && pool.getThreadsAwaitingConnection() == 0,
                    "no pool connection left in use after the load", pool.getActiveConnections() + " active, " + pool.getIdleConnections()
                            + " idle, " + pool.getTotalConnections() + " total");

            String measured = String.format("PostgreSQL down %.1f s: %d/%d requests 503 database_unavailable + Retry-After, slowest %d ms; "
                    + "200 again %.1f s after it started, %d/%d after; pool %d active / %d total after the load",
                    downSeconds, count(down, r -> r.status() == 503), down.size(), maxMillis(down), recoverSeconds,
                    count(after, r -> r.status() == 200), after.size(), pool.getActiveConnections(), pool.getTotalConnections());
            return checks.outcome("503 database_unavailable with Retry-After within the 1 s pool timeout; recovers without an API "
                    + "restart; no connection leak", measured);
        } finally {
            postgres.restoreStack();
        }
    }
}
