package io.tunetrail.batch.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.countDistinct;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.batch.als.AlsParams;
import io.tunetrail.batch.als.ImplicitAls;
import io.tunetrail.batch.als.InMemoryAls;
import io.tunetrail.batch.als.OrgAls;
import io.tunetrail.batch.als.Preferences;
import io.tunetrail.batch.eval.DatasetEvaluation;
import io.tunetrail.batch.eval.Evaluator;
import io.tunetrail.batch.eval.HoldoutSplit;
import io.tunetrail.batch.eval.RankingMetrics;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.RedisOnlineStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.SparkSession;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code ./tunetrail bench batch}, the measuring part (run inside the batch jar, on Spark {@code local[2]}).
 *
 * <ol>
 *   <li>ALS fit on Last.fm-2k (training part of a seeded 75/25 split): MLlib's distributed implicit ALS and the
 *       nightly chain's in-memory solver in a Spark task ({@link OrgAls}, two threads) against
 *       {@link ConjugateGradientAls} on one thread, same preferences, rank, iterations, regularisation and alpha.
 *       All models are first scored with the same full-ranking precision@10 on the held-out part; only if they agree
 *       (within 10% of each other) is the time ratio meaningful, and the output says whether they did.</li>
 *   <li>The whole nightly chain on generated data at each scale (default 1, 4, 16 times the demo's data): wall time of
 *       the chain (generation and loading excluded) and the growth of that time per doubling of the data, in a
 *       temporary offline store, a temporary database and Redis keys of throw-away orgs, all removed afterwards.
 *       A warm-up run at a quarter of the smallest scale goes first and is not counted: without it the first scale
 *       pays the JVM's JIT and Spark's first-use costs (class loading, codegen, Delta's log machinery), which would
 *       understate the growth from the first scale to the next.</li>
 * </ol>
 */
public final class BatchBenchmark {
    private static final StructType FACTORS_USER = new StructType().add("user_id", DataTypes.StringType)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType));
    private static final StructType FACTORS_TRACK = new StructType().add("track_id", DataTypes.StringType)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType));

    // The comparison runs on Spark local[2] (BatchJobsMain), so the in-memory solver gets the same two cores.
    private static final int SPARK_CORES = 2;

    private final SparkSession spark;
    private final PlatformConfig config;
    private final Consumer<String> out;

    public BatchBenchmark(SparkSession spark, PlatformConfig config, Consumer<String> out) {
        this.spark = spark;
        this.config = config;
        this.out = out;
    }

    /**
     * @param lastfmDir the Last.fm-2k folder; null skips the ALS comparison
     * @param rank factors of the ALS comparison (the chain uses the configured {@code batch.als.*})
     * @param iterations iterations of the ALS comparison
     * @param scales comma-separated scales of the chain measurement; empty skips it
     * @param withMllib whether the ALS comparison fits MLlib's block ALS too (the slowest part by far)
     */
    public Map<String, Object> run(Path lastfmDir, int rank, int iterations, String scales, boolean withMllib) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "batch");
        if (lastfmDir != null) {
            compareAls(lastfmDir, AlsParams.from(config).with(rank, iterations), withMllib, json);
        }
        List<Double> list = Arrays.stream(scales.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Double::parseDouble).sorted().toList();
        if (list.stream().anyMatch(x -> !(x > 0))) {
            throw new IllegalArgumentException("--scales needs positive numbers, got '" + scales + "'");
        }
        if (!list.isEmpty()) {
            chain(list, json);
        }
        return json;
    }

    private void compareAls(Path dir, AlsParams params, boolean withMllib, Map<String, Object> json) {
        int k = 10;
        Dataset<Row> events = new DatasetEvaluation(spark, config.home()).events("lastfm-2k", dir).withColumn("org_id",
                org.apache.spark.sql.functions.lit("bench"));
        Dataset<Row> pairs = new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, 42).pairs(events).cache();
        Dataset<Row> trainPairs = pairs.filter(col("train"));
        Dataset<Row> trainEvents = events.join(trainPairs.select("user_id", "track_id"),
                scala.collection.JavaConverters.asScalaBuffer(List.of("user_id", "track_id")).toList(), "left_semi");
        Dataset<Row> prefs = Preferences.from(config).compute(trainEvents).select("user_id", "track_id", "preference").cache();
        List<Row> prefRows = prefs.collectAsList();
        Map<String, Set<String>> heldOut = new HashMap<>();
        for (Row r : pairs.filter(col("train").equalTo(false)).collectAsList()) {
            heldOut.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(r.getString(1));
        }
        Map<String, Long> listeners = new HashMap<>();
        trainPairs.groupBy("track_id").agg(countDistinct("user_id")).collectAsList()
                .forEach(r -> listeners.put(r.getString(0), r.getLong(1)));
        long users = trainPairs.select("user_id").distinct().count();
        Dataset<Row> heard = trainPairs.groupBy("user_id").agg(collect_list("track_id").as("heard")).cache();

        out.accept(String.format("ALS on Last.fm-2k: %,d training preferences, rank %d, %d iterations, lambda %s, alpha %s",
                prefRows.size(), params.rank(), params.iterations(), params.regularization(), params.alpha()));
        ImplicitAls.Factors spark2 = null;
        long sparkMs = 0;
        if (withMllib) {
            long t0 = System.nanoTime();
            spark2 = new ImplicitAls(params).fit(prefs).cache();
            spark2.users().count();
            spark2.tracks().count();
            sparkMs = (System.nanoTime() - t0) / 1_000_000;
        }

        List<String> u = new ArrayList<>(prefRows.size());
        List<String> i = new ArrayList<>(prefRows.size());
        float[] r = new float[prefRows.size()];
        for (int n = 0; n < prefRows.size(); n++) {
            u.add(prefRows.get(n).getString(0));
            i.add(prefRows.get(n).getString(1));
            r[n] = (float) prefRows.get(n).getDouble(2);
        }
        Dataset<Row> orgPrefs = prefs.withColumn("org_id", org.apache.spark.sql.functions.lit("bench"));
        // Warm-up, not counted: each solver's path once with one iteration, so that neither time includes the JIT's
        // compilation or Spark's first use of the in-memory path's jobs (without --skip-mllib, MLlib's fit did some of
        // that for the in-memory path alone).
        new OrgAls(params.with(params.rank(), 1), Long.MAX_VALUE, SPARK_CORES).fit(orgPrefs).unpersist();
        baseline(params.with(params.rank(), 1)).fit(u, i, r);

        // The nightly chain's path for an org of this size: one Spark task solving it in memory on local[2]'s cores.
        long t2 = System.nanoTime();
        OrgAls.Fitted inMemory = new OrgAls(params, Long.MAX_VALUE, SPARK_CORES).fit(orgPrefs);
        long inMemoryMs = (System.nanoTime() - t2) / 1_000_000;

        long t1 = System.nanoTime();
        ConjugateGradientAls.Model cg = baseline(params).fit(u, i, r);
        long cgMs = (System.nanoTime() - t1) / 1_000_000;
        // The same in-memory solver on one thread without Spark: what BLAS alone gives over the baseline.
        long t3 = System.nanoTime();
        new InMemoryAls(params, 1).fit(u, i, r);
        long oneThreadMs = (System.nanoTime() - t3) / 1_000_000;

        RankingMetrics sparkM = spark2 == null ? null : RankingMetrics.compute(k, Evaluator.topLists(spark2, heard, k), heldOut,
                listeners, users, listeners.size());
        RankingMetrics inMemoryM = RankingMetrics.compute(k, Evaluator.topLists(inMemory.factors("bench"), heard, k), heldOut,
                listeners, users, listeners.size());
        RankingMetrics cgM = RankingMetrics.compute(k, Evaluator.topLists(factors(cg), heard, k), heldOut, listeners, users,
                listeners.size());
        boolean agree = (sparkM == null || agree(cgM.precision(), sparkM.precision()))
                && agree(cgM.precision(), inMemoryM.precision());
        out.accept(String.format("%-44s %12s %14s", "", "fit (ms)", "precision@10"));
        if (sparkM != null) {
            out.accept(String.format("%-44s %,12d %14.4f", "MLlib block ALS, Spark local[2]", sparkMs, sparkM.precision()));
        }
        out.accept(String.format("%-44s %,12d %14.4f", "in-memory CG ALS in a Spark task, 2 threads", inMemoryMs,
                inMemoryM.precision()));
        out.accept(String.format("%-44s %,12d %14s", "in-memory CG ALS, 1 thread, no Spark", oneThreadMs, ""));
        out.accept(String.format("%-44s %,12d %14.4f", "baseline: conjugate-gradient ALS, 1 thread", cgMs, cgM.precision()));
        out.accept(agree ? "precision@10 agrees (within 10%): the time ratios compare like with like"
                : "precision@10 does NOT agree within 10%: the time ratios compare different models");
        Map<String, Object> als = new LinkedHashMap<>();
        als.put("dataset", "lastfm-2k");
        als.put("preferences", prefRows.size());
        als.put("rank", params.rank());
        als.put("iterations", params.iterations());
        als.put("regularization", params.regularization());
        als.put("alpha", params.alpha());
        if (sparkM != null) {
            als.put("spark_local2_ms", sparkMs);
        }
        als.put("in_memory_spark_task_ms", inMemoryMs);
        als.put("in_memory_one_thread_ms", oneThreadMs);
        als.put("cg_single_thread_ms", cgMs);
        if (sparkM != null) {
            als.put("spark_precision_at_10", sparkM.precision());
        }
        als.put("in_memory_precision_at_10", inMemoryM.precision());
        als.put("cg_precision_at_10", cgM.precision());
        als.put("precision_agree", agree);
        json.put("als", als);
        if (sparkM != null) {
            json.put("als_spark_over_cg_time_ratio", round((double) sparkMs / Math.max(1, cgMs)));
        }
        json.put("als_in_memory_spark_over_cg_time_ratio", round((double) inMemoryMs / Math.max(1, cgMs)));
        json.put("als_in_memory_one_thread_over_cg_time_ratio", round((double) oneThreadMs / Math.max(1, cgMs)));
        inMemory.unpersist();
        if (spark2 != null) {
            spark2.unpersist();
        }
        prefs.unpersist();
        heard.unpersist();
        pairs.unpersist();
    }

    /** The single-threaded baseline with the same hyperparameters and the in-memory solver's CG steps. */
    private static ConjugateGradientAls baseline(AlsParams params) {
        return new ConjugateGradientAls(params.rank(), params.iterations(), params.regularization(), params.alpha(),
                params.seed(), 3);
    }

    /** Within 10% of each other: the same model quality for the purpose of comparing times. */
    static boolean agree(double a, double b) {
        return Math.abs(a - b) <= 0.1 * Math.max(a, b);
    }

    private ImplicitAls.Factors factors(ConjugateGradientAls.Model m) {
        List<Row> users = new ArrayList<>();
        for (int n = 0; n < m.users().length; n++) {
            users.add(RowFactory.create(m.userIds().get(n), boxed(m.users()[n])));
        }
        List<Row> tracks = new ArrayList<>();
        for (int n = 0; n < m.items().length; n++) {
            tracks.add(RowFactory.create(m.itemIds().get(n), boxed(m.items()[n])));
        }
        return new ImplicitAls.Factors(spark.createDataFrame(users, FACTORS_USER), spark.createDataFrame(tracks, FACTORS_TRACK));
    }

    private static List<Float> boxed(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    private void chain(List<Double> scales, Map<String, Object> json) {
        double warmupScale = scales.get(0) / 4;
        Map<String, Object> warmup = chainAt(warmupScale);
        out.accept(String.format("warm-up at %sx: %,d events, chain %.1f s (not counted)", warmupScale, (Long) warmup.get("events"),
                (Long) warmup.get("chain_ms") / 1000.0));
        json.put("chain_warmup", Map.of("scale", warmupScale, "events", warmup.get("events"), "chain_ms", warmup.get("chain_ms")));
        List<Map<String, Object>> runs = new ArrayList<>();
        out.accept(String.format("%-8s %12s %12s %14s", "scale", "events", "chain (s)", "per doubling"));
        Double previousScale = null;
        Long previousMs = null;
        for (double scale : scales) {
            Map<String, Object> run = chainAt(scale);
            long ms = (Long) run.get("chain_ms");
            json.put("chain_" + label(scale) + "_s", round(ms / 1000.0));
            Double growth = previousMs == null ? null : perDoubling(previousScale, previousMs, scale, ms);
            run.put("growth_per_doubling", growth == null ? null : round(growth));
            if (growth != null) {
                json.put("chain_" + label(previousScale) + "_to_" + label(scale) + "_per_doubling_ratio", round(growth));
            }
            out.accept(String.format("%-8s %,12d %12.1f %14s", scale + "x", (Long) run.get("events"), ms / 1000.0,
                    growth == null ? "" : String.format("%.2fx", growth)));
            runs.add(run);
            previousScale = scale;
            previousMs = ms;
        }
        json.put("chain", runs);
        if (runs.size() > 1) {
            json.put("chain_growth_per_doubling_ratio", round(perDoubling(scales.get(0), (Long) runs.get(0).get("chain_ms"),
                    scales.get(scales.size() - 1), (Long) runs.get(runs.size() - 1).get("chain_ms"))));
        }
    }

    /** The factor by which time grows per doubling of the data between two runs (2.0 = linear, 1.0 = flat). */
    static double perDoubling(double fromScale, long fromMs, double toScale, long toMs) {
        return Math.pow((double) toMs / Math.max(1, fromMs), 1 / (Math.log(toScale / fromScale) / Math.log(2)));
    }

    /** {@code 4x}, {@code 0.5x}: a scale as a JSON key segment. */
    static String label(double scale) {
        return (scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale).replace('.', '_')) + "x";
    }

    /** One chain run on fresh data of this scale, in throw-away stores. */
    private Map<String, Object> chainAt(double scale) {
        String tag = "bench" + UUID.randomUUID().toString().substring(0, 8);
        Path store = config.home().resolve("bench").resolve(tag);
        String database = "tt_" + tag;
        admin("CREATE DATABASE " + database);
        PlatformConfig benchConfig = PlatformConfig.load(config.asEnv(), Map.of(PlatformConfig.POSTGRES_DATABASE.name(), database));
        Map<String, String> renamed = new java.util.concurrent.ConcurrentHashMap<>();
        Runnable cleanUp = () -> {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            deleteRedis(renamed.values());
            deleteTree(store);
        };
        // A benchmark stopped with Ctrl-C or kill leaves nothing behind either.
        Thread onStop = new Thread(cleanUp);
        Runtime.getRuntime().addShutdownHook(onStop);
        try (HikariDataSource db = Database.connect(benchConfig, 2);
                RedisOnlineStore redis = RedisOnlineStore.connect(benchConfig)) {
            Database.migrate(db, benchConfig);
            GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-01T00:00:00Z")).withScale(scale);
            SyntheticLake.Loaded world = new SyntheticLake(spark, new OfflineTables(spark, store.toString()))
                    .load(settings, id -> renamed.computeIfAbsent(id, o -> tag + "-" + o), db);
            NightlyChain.Result result;
            try (NightlyContext ctx = NightlyContext.builder(spark, benchConfig).storeRoot(store.toString())
                    .dataSource(db).onlineStore(redis).build()) {
                result = NightlyChain.all().run(ctx);
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("scale", scale);
            run.put("events", world.events());
            run.put("chain_ms", result.durationMs());
            Map<String, Object> jobs = new LinkedHashMap<>();
            result.jobs().forEach(j -> jobs.put(j.job(), j.durationMs()));
            run.put("job_ms", jobs);
            return run;
        } finally {
            Runtime.getRuntime().removeShutdownHook(onStop);
            cleanUp.run();
        }
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.get(PlatformConfig.POSTGRES_USER),
                config.get(PlatformConfig.POSTGRES_PASSWORD)); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    private void deleteRedis(java.util.Collection<String> orgs) {
        try (JedisPooled jedis = new JedisPooled(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT))) {
            for (String org : orgs) {
                ScanParams params = new ScanParams().match(RedisKeys.orgPattern(org)).count(1000);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, params);
                    if (!page.getResult().isEmpty()) {
                        jedis.del(page.getResult().toArray(String[]::new));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
