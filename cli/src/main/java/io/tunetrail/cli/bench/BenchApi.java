package io.tunetrail.cli.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import redis.clients.jedis.HostAndPort;

/**
 * The API in-process over the local stack, set up for a benchmark and taken down after it: a plan "bench" without
 * limits, an org and a read key of its own, the daily mix's rows seeded in Redis, and usage events on a topic of
 * their own (the platform's ledger must not bill them), as are interactions. Webhook sending is off (the bench org has none). Redis is
 * reached through a {@link CountingRedis}, so a benchmark can count round trips. {@link #close()} removes the org,
 * its Redis keys and the topic.
 */
final class BenchApi implements AutoCloseable {
    private final String run;
    private final PlatformConfig config;
    private final Path plansFile;
    private final PlanCatalog plans;
    private final CountingRedis redis;
    private final Admin admin;
    private final HikariDataSource dataSource;
    private final EventPublisher events;
    private final Sql sql;
    private String key;

    private BenchApi(String run) throws Exception {
        this.run = run;
        this.config = PlatformConfig.load(System.getenv(), Map.of(PlatformConfig.TOPIC_USAGE.name(), run + "-usage",
                PlatformConfig.TOPIC_INTERACTIONS.name(), run + "-interactions", PlatformConfig.API_WEBHOOK_DISPATCH_MS.name(), "0"));
        this.plansFile = benchPlans();
        this.plans = PlanCatalog.load(plansFile);
        this.redis = new CountingRedis(new HostAndPort(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT)));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()));
        // The API's own pool settings, statement timeout included: the benchmark measures the server as it runs.
        this.dataSource = Database.connect(config, 16, config.getInt(PlatformConfig.API_POSTGRES_STATEMENT_TIMEOUT_MS));
        // As ApiServer does, and on connections without the timeout: the API's tables (V40+) may be newer than the
        // stack's last 'stack start'.
        try (HikariDataSource migrations = Database.connect(config, 2)) {
            Database.migrate(migrations, config);
        }
        KafkaTopics.ensure(config, topics());
        this.events = new EventPublisher(config);
        this.sql = new Sql(dataSource);
    }

    /** Sets up a run named {@code <prefix>-<random>}; the org id is the run's name. */
    static BenchApi open(String prefix) throws Exception {
        BenchApi api = new BenchApi(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            new OrgStore(api.sql).create(api.run, "Benchmark " + api.run, "bench", "cloud");
            api.key = new ApiKeyStore(api.sql).create(api.run, null, "bench", List.of("read"), null).secret();
            seed(api.redis, api.run);
            return api;
        } catch (Exception | Error e) {
            try {
                api.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A new app over the bench's stores, not started (a benchmark may add routes first). */
    Javalin app() {
        ApiStores stores = new ApiStores(dataSource, redis.jedis(), config.redisUri(), events, () -> {});
        return ServingApp.create(stores, Clock.systemUTC(), ApiSettings.from(config, plans));
    }

    /** The bench's own topics: usage events and interactions never reach the platform's lander. */
    List<String> topics() {
        return List.of(run + "-usage", run + "-interactions");
    }

    /** Another key of the bench org, with these scopes. */
    String newKey(List<String> scopes) {
        return new ApiKeyStore(sql).create(run, null, "bench", scopes, null).secret();
    }

    PlatformConfig config() {
        return config;
    }

    CountingRedis redis() {
        return redis;
    }

    Sql sql() {
        return sql;
    }

    /** The org's read key. */
    String key() {
        return key;
    }

    String orgId() {
        return run;
    }

    @Override
    public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException, java.io.IOException {
        try {
            cleanUp(sql, redis, run);
            events.close();
            admin.deleteTopics(topics()).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting the bench's topic " + run + "-usage", e);
        } finally {
            admin.close();
            dataSource.close();
            Files.deleteIfExists(plansFile);
        }
    }

    /**
     * The shipped catalog plus a plan "bench" with every feature and limits high enough never to refuse: the checks
     * run in full (the script decides and counts every request), they just never say no.
     */
    private static Path benchPlans() throws Exception {
        String shipped;
        try (InputStream in = PlanCatalog.class.getClassLoader().getResourceAsStream(PlanCatalog.RESOURCE)) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String features = String.join(", ", PlanCatalog.load().features());
        String bench = "\n  bench:\n    display_name: Benchmark\n    edition: cloud\n    features: [" + features + "]\n"
                + "    limits:\n      api_calls: { per_day: 1000000000, per_month: 100000000000 }\n"
                + "    rate_limit: { requests_per_minute: 100000000, burst: 1000000 }\n    model_policy: latest\n"
                + "    stripe_price_ids: []\n";
        Path file = Files.createTempFile("tunetrail-bench-plans", ".yaml");
        Files.writeString(file, shipped + bench);
        return file;
    }

    private static void seed(CountingRedis redis, String orgId) {
        RedisOnlineStore online = new RedisOnlineStore(redis.jedis(), "bench");
        List<String> tracks = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tracks.add("track-" + i);
            scores.add(1.0 - i / 100.0);
        }
        online.writeBatch(orgId, FeatureViews.USER_RECOMMENDATIONS, "bench-1",
                List.of(new FeatureRow("listener-1", Map.of("track_ids", tracks, "scores", scores, "model_version", "bench-1"))));
        online.activateVersion(orgId, FeatureViews.USER_RECOMMENDATIONS, "bench-1");
        online.writeBatch(orgId, FeatureViews.USER_SESSIONS, null, List.of(new FeatureRow("listener-1", Map.of("sessions_7d", 2L,
                "minutes_listened_7d", 30.0, "skip_rate_7d", 0.1, "top_genres_7d", List.of("rock"),
                "recent_tracks", List.of("track-0", "track-1"), "updated_at_ms", 1L))));
    }

    private static void cleanUp(Sql sql, CountingRedis redis, String orgId) {
        sql.update("deleting the bench org", "DELETE FROM organisations WHERE org_id = ?", ps -> ps.setString(1, orgId));
        io.tunetrail.store.OrgDeletion.deleteOnlineKeys(redis.jedis(), orgId);
    }
}
