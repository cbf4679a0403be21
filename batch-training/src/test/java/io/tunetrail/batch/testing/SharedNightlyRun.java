package io.tunetrail.batch.testing;

import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.land.LanderSettings;
import io.tunetrail.batch.land.UsageLedgerPublisher;
import io.tunetrail.batch.nightly.ChainCosts;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.Track;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.TrackAudioStore;
import io.tunetrail.store.costs.CapThresholds;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.testing.ClickTracks;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.store.usage.ApiRefusals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One run of the whole nightly chain, shared by the IT classes of a JVM that look at such a run: running the chain
 * costs a minute and a half on an idle two-core machine, so it is built once, by the first class that registers this
 * extension, and torn down (database, Redis keys, topics, store) when the last test of the run is done.
 *
 * <p>The run: a synthetic week of two orgs (enterprise and pro) at a tenth of the demo's scale loaded into a store of
 * its own, usage events of the first org sent through Kafka and landed beside API refusals in PostgreSQL, one
 * registered audio file so the audio tables are written, then the chain with every job metered (a cost-cap alert
 * fails it). Register it as {@code @RegisterExtension static final SharedNightlyRun RUN = new SharedNightlyRun();}.
 *
 * <p>Classes may change the run's state after the first run (pin a version, run the chain again, queue training);
 * the others must check only what such changes leave as it was (the first run's results, schemas, marts).
 */
public final class SharedNightlyRun implements BeforeAllCallback {
    /** When the usage events were sent: key-0 makes 2 calls (4 units) and key-1 one (2 units), on 2026-03-02. */
    private static final Instant USAGE_AT = Instant.parse("2026-03-02T10:00:00Z");

    private volatile Run run;

    @Override
    public void beforeAll(ExtensionContext context) {
        run = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedNightlyRun.class, k -> Run.start(context), Run.class);
    }

    public FreshDatabase db() {
        return run.db;
    }

    public RedisNamespace redis() {
        return run.redis;
    }

    public PlatformConfig config() {
        return run.config;
    }

    /** The offline store's root. */
    public Path store() {
        return run.store;
    }

    public SyntheticLake.Loaded world() {
        return run.world;
    }

    /** The first (metered) run of the chain. */
    public NightlyChain.Result first() {
        return run.first;
    }

    /** The org whose usage went through Kafka and whose one track has a registered audio file. */
    public String usageOrg() {
        return run.world.orgIds().get(0);
    }

    /** A context on the run's store, database and Redis, for running more of the chain. */
    public NightlyContext context() {
        return NightlyContext.builder(LocalSpark.get(), run.config).storeRoot(run.store.toString())
                .dataSource(run.db.dataSource()).onlineStore(run.redis.store()).build();
    }

    private static final class Run implements ExtensionContext.Store.CloseableResource {
        private final FreshDatabase db = new FreshDatabase();
        private final RedisNamespace redis = new RedisNamespace();
        private Path home;
        private Path store;
        private PlatformConfig config;
        private SyntheticLake.Loaded world;
        private NightlyChain.Result first;

        static Run start(ExtensionContext context) {
            Run run = new Run();
            try {
                run.build(context);
                return run;
            } catch (Exception | AssertionError e) {
                try {
                    run.close();
                } catch (Exception cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw new IllegalStateException("the shared nightly run failed: " + e.getMessage(), e);
            }
        }

        private void build(ExtensionContext context) throws Exception {
            SparkSession spark = LocalSpark.get();
            db.beforeAll(context);
            redis.beforeAll(context);
            home = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "nightly-run-");
            store = home.resolve("lake");
            Map<String, String> extra = new HashMap<>(PlatformConfig.topicsNamed("it-nightly-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
            extra.put(PlatformConfig.API_AUDIO_STORE_DIR.name(), home.resolve("audio").toString());
            config = SmallChain.config(db, store, extra);
            KafkaTopics.ensure(config);

            Map<String, String> renamed = new HashMap<>();
            GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-01T00:00:00Z"))
                    .withScale(0.1).withOrgs(2).withSpan(Instant.parse("2026-03-01T00:00:00Z"), 7);
            world = new SyntheticLake(spark, new OfflineTables(spark, store.toString()))
                    .load(settings, id -> renamed.computeIfAbsent(id, redis::newOrgId), db.dataSource());
            String org = world.orgIds().get(0);

            try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
                for (int i = 0; i < 3; i++) {
                    publisher.publish(new UsageEvent(org, "key-" + (i % 2), "api_calls", 1 + i, USAGE_AT.plusSeconds(i), "req-" + i));
                }
            }
            // Refused calls as the API adds them to PostgreSQL: beside key-1's metered calls, and a key refused only.
            LocalDate day = LocalDate.of(2026, 3, 2);
            new ApiRefusals(db.dataSource()).add(List.of(
                    new ApiRefusals.Count(org, day, "key-1", "api_calls", "rate_limited", 429, 3),
                    new ApiRefusals.Count(org, day, "key-2", "api_calls", "plan_feature:advanced_analytics", 402, 1)));
            new KafkaToDeltaLander(spark, LanderSettings.from(config).withStoreRoot(store.toString()),
                    new UsageLedgerPublisher(spark, db.dataSource())).landAll();

            Track track = world.catalog().tracks().stream().filter(t -> t.orgId().equals(org)).findFirst().orElseThrow();
            byte[] audio = ClickTracks.wav(120, 8, 1000);
            String key = org + "/track_" + track.trackId() + ".wav";
            Path file = home.resolve("audio").resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, audio);
            new TrackAudioStore(db.dataSource()).register(new TrackAudioStore.TrackAudio(org, track.trackId(), key,
                    TrackAudioAnalyser.sha256(audio), audio.length));

            ChainCosts costs = new ChainCosts(SparkCpuMeter.attach(spark), new CostMeter(db.dataSource(), PlanCatalog.load(),
                    CostCatalog.load(), Clock.systemUTC(), CapThresholds.NONE), line -> {
                        throw new AssertionError(line);
                    });
            try (NightlyContext ctx = NightlyContext.builder(spark, config).storeRoot(store.toString())
                    .dataSource(db.dataSource()).onlineStore(redis.store()).build()) {
                first = NightlyChain.all().metered(costs).run(ctx);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                if (config != null) {
                    try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
                        admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
                    }
                }
            } finally {
                // Neither extension uses the context after the class: there is no one class to name here.
                redis.afterAll(null);
                db.afterAll(null);
                if (home != null) {
                    deleteTree(home);
                }
            }
        }

        private static void deleteTree(Path root) throws IOException {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
