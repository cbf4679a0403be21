package io.tunetrail.batch.nightly;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SharedNightlyRun;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.jobs.JobWorker;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole nightly chain on generated data (two orgs, enterprise and pro, a week at a tenth of the demo's scale) in a
 * temporary offline store, a fresh database and fresh Redis orgs ({@link SharedNightlyRun}, one metered run shared with
 * other ITs of the JVM); results read back from Delta, PostgreSQL and Redis. Then the enterprise org pins its version
 * and the chain runs again: the pro org moves to the new minor version, the pinned org keeps serving the pinned one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyChainIT {
    @RegisterExtension
    static final SharedNightlyRun RUN = new SharedNightlyRun();

    private static FreshDatabase db;
    private static RedisNamespace redis;
    private static SparkSession spark;
    private static PlatformConfig config;
    private static SyntheticLake.Loaded world;
    private static NightlyChain.Result first;
    private static String enterprise;
    private static String pro;

    @BeforeAll
    static void takeTheSharedRun() {
        spark = LocalSpark.get();
        db = RUN.db();
        redis = RUN.redis();
        config = RUN.config();
        world = RUN.world();
        first = RUN.first();
        enterprise = orgOnPlan("enterprise");
        pro = orgOnPlan("pro");
    }

    private static String orgOnPlan(String plan) {
        return world.catalog().orgs().stream().filter(o -> o.planId().equals(plan)).findFirst().orElseThrow().orgId();
    }

    private static NightlyChain.Result run(NightlyChain chain) {
        try (NightlyContext ctx = RUN.context()) {
            return chain.run(ctx);
        }
    }

    private static Dataset<Row> table(String name) {
        return spark.read().format("delta").load(new OfflineTables(spark, RUN.store().toString()).location(name));
    }

    @Test
    void everyJobRanForBothOrgsOnTheSameSnapshot() {
        assertThat(first.jobs()).extracting(JobResult::job).containsExactlyElementsOf(
                NightlyJobs.ALL.stream().map(NightlyJob::name).toList());
        JobResult als = first.job("als");
        assertThat(als.modelVersions()).containsEntry(enterprise, "1.0").containsEntry(pro, "1.0");
        assertThat(als.inputVersions()).containsEntry("interactions", world.interactionsVersion());
        assertThat(first.job("materialise").modelVersions()).containsEntry(enterprise, "1.0").containsEntry(pro, "1.0");
    }

    @Test
    void eachJobOfTheMeteredRunRecordedItsMeasuredCostPerOrg() throws Exception {
        Map<String, Double> executorByJob = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement("SELECT org_id, kind, job_id, cpu_seconds, "
                        + "(details->>'own_executor_cpu_seconds')::float8, (details->>'sharing_orgs')::int FROM usage_costs "
                        + "WHERE job_id LIKE ? ORDER BY job_id, org_id")) {
            st.setString(1, first.runId() + "/%");
            try (ResultSet rs = st.executeQuery()) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                while (rs.next()) {
                    String job = rs.getString(3).substring(first.runId().length() + 1);
                    seen.add(rs.getString(1) + " " + job);
                    assertThat(rs.getString(2)).as(job).isEqualTo(job.equals("audio-analysis") ? "audio_analysis" : "nightly");
                    assertThat(rs.getDouble(4)).as(job).isPositive();
                    assertThat(rs.getInt(6)).as(job).isEqualTo(2);
                    executorByJob.merge(job, rs.getDouble(5), Double::sum);
                }
                // Every job of the chain, for both orgs of the run (the global ALS shares its cost too).
                for (NightlyJob job : NightlyJobs.ALL) {
                    assertThat(seen).as(job.name()).contains(enterprise + " " + job.name(), pro + " " + job.name());
                }
            }
        }
        // Jobs that do Spark work in their loop over orgs charge each org its own part of it.
        assertThat(executorByJob.get("evaluate")).isPositive();
        assertThat(executorByJob.get("user-similarity")).isPositive();
        // The marts job recorded each org's storage of the day: at least the Delta partitions the chain wrote for it.
        assertThat(first.job("marts").figures()).containsKey("storage_orgs").doesNotContainKey("storage_not_recorded");
        for (String org : List.of(enterprise, pro)) {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement st = c.prepareStatement("SELECT job_id = day::text, cpu_seconds, (details->>'bytes_offline')::bigint "
                            + "FROM usage_costs WHERE org_id = ? AND kind = 'storage'")) {
                st.setString(1, org);
                try (ResultSet rs = st.executeQuery()) {
                    assertThat(rs.next()).as("a storage row for " + org).isTrue();
                    assertThat(rs.getBoolean(1)).isTrue();
                    assertThat(rs.getDouble(2)).isZero();
                    assertThat(rs.getLong(3)).as(org).isPositive();
                }
            }
        }
    }

    @Test
    void recommendationsAreInDeltaAndServedFromRedisUnderTheActiveVersion() {
        OnlineStore online = redis.store();
        for (String org : List.of(enterprise, pro)) {
            Dataset<Row> recs = table("recommendations").filter(col("org_id").equalTo(org).and(col("model_version").equalTo("1.0")));
            assertThat(recs.select("run_id").distinct().collectAsList()).extracting(r -> r.getString(0))
                    .containsExactly(first.runId());
            Map<String, List<String>> lists = new HashMap<>();
            recs.orderBy("user_id", "rank").collectAsList().forEach(r ->
                    lists.computeIfAbsent(r.getString(r.fieldIndex("user_id")), u -> new ArrayList<>())
                            .add(r.getString(r.fieldIndex("track_id"))));
            assertThat(lists).isNotEmpty();
            assertThat(lists.values()).allSatisfy(l -> assertThat(l).hasSize(10).doesNotHaveDuplicates());
            // already-heard tracks are left out
            Dataset<Row> heard = table("interactions").filter(col("org_id").equalTo(org)).select("user_id", "track_id");
            assertThat(recs.join(heard, seq("user_id", "track_id"), "left_semi").count()).isZero();
            assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).contains("1.0");
            List<String> some = lists.keySet().stream().sorted().limit(5).toList();
            Map<String, FeatureRow> served = online.read(org, FeatureViews.USER_RECOMMENDATIONS, some);
            for (String user : some) {
                assertThat(served.get(user).getIds("track_ids")).isEqualTo(lists.get(user));
            }
        }
    }

    @Test
    void similaritiesAreInDeltaPostgresAndRedis() throws Exception {
        ModelRegistry registry = new ModelRegistry(db.dataSource(), PlanCatalog.load());
        for (String org : List.of(enterprise, pro)) {
            ModelVersion tracks = registry.active(org, "track-similarity").orElseThrow();
            ModelVersion users = registry.active(org, "user-similarity").orElseThrow();
            Dataset<Row> trackRows = table("track_similarity").filter(col("org_id").equalTo(org)
                    .and(col("model_version").equalTo(tracks.version().toString())));
            Dataset<Row> userRows = table("user_similarity").filter(col("org_id").equalTo(org)
                    .and(col("model_version").equalTo(users.version().toString())));
            assertThat(trackRows.count()).isPositive();
            assertThat(userRows.count()).isPositive();
            assertThat(count("track_similarities", org, tracks.id())).isEqualTo(trackRows.count());
            assertThat(count("user_similarities", org, users.id())).isEqualTo(userRows.count());
            // symmetric scores, no self pairs, support at least the minimum
            Dataset<Row> t = trackRows.select("track_id", "similar_track_id", "score", "support");
            Dataset<Row> back = t.toDF("similar_track_id", "track_id", "score_back", "support_back");
            for (Row r : t.join(back, seq("track_id", "similar_track_id"))
                    .collectAsList()) {
                assertThat(r.getDouble(r.fieldIndex("score"))).isCloseTo(r.getDouble(r.fieldIndex("score_back")),
                        offset(1e-6));
            }
            assertThat(trackRows.filter(col("track_id").equalTo(col("similar_track_id"))).count()).isZero();
            assertThat(trackRows.filter(col("support").lt(2)).count()).isZero();
            assertThat(userRows.filter(col("user_id").equalTo(col("similar_user_id"))).count()).isZero();
            assertThat(redis.store().activeVersion(org, FeatureViews.SIMILAR_TRACKS)).contains(tracks.version().toString());
            String someTrack = trackRows.filter(col("rank").equalTo(1)).first().getString(trackRows.schema().fieldIndex("track_id"));
            assertThat(redis.store().read(org, FeatureViews.SIMILAR_TRACKS, List.of(someTrack)).get(someTrack).getIds("track_ids"))
                    .isNotEmpty();
        }
    }

    @Test
    void metricsGoToTheRegistryAndModelMetricsBesideTheBaseline() {
        ModelRegistry registry = new ModelRegistry(db.dataSource(), PlanCatalog.load());
        for (String org : List.of(enterprise, pro)) {
            ModelVersion als = registry.versions(org, "als").stream()
                    .filter(v -> v.version().toString().equals("1.0")).findFirst().orElseThrow();
            assertThat(als.metrics()).containsKeys("family", "baseline", "k", "split");
            // The lists' family was chosen among the plan's ladder on validation nDCG, and the registry says which.
            List<String> ladder = PlanCatalog.load().plan(org.equals(enterprise) ? "enterprise" : "pro").modelFamilies();
            assertThat(als.inputSnapshot()).containsKeys("family", "family_params", "validation_ndcg", "trials");
            @SuppressWarnings("unchecked")
            Map<String, Number> validation = (Map<String, Number>) als.inputSnapshot().get("validation_ndcg");
            @SuppressWarnings("unchecked")
            List<String> skipped = (List<String>) als.inputSnapshot().get("skipped_for_budget");
            List<String> considered = new ArrayList<>(validation.keySet());
            considered.addAll(skipped);
            assertThat(considered).containsExactlyInAnyOrderElementsOf(ladder.stream().filter(f -> !f.equals("custom")).toList());
            assertThat(validation).containsKey("content");
            String family = (String) als.inputSnapshot().get("family");
            double best = validation.values().stream().mapToDouble(Number::doubleValue).max().orElseThrow();
            assertThat(validation.get(family).doubleValue()).isEqualTo(best);
            // The evaluation scored what serves: the chosen family, under its own name.
            assertThat(als.metrics()).containsEntry("family", family).containsKey(family);
            List<Row> rows = table("model_metrics").filter(col("org_id").equalTo(org).and(col("model_version").equalTo("1.0")))
                    .collectAsList();
            assertThat(rows).extracting(r -> r.getString(r.fieldIndex("recommender"))).containsExactlyInAnyOrder(family, "popularity");
            assertThat(rows).allSatisfy(r -> assertThat(r.getDouble(r.fieldIndex("precision"))).isBetween(0.0, 1.0));
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // runs the chain again: the other tests look at the first run
    void aPinnedOrgKeepsServingItsVersionWhileOthersMoveOn() {
        ModelRegistry registry = new ModelRegistry(db.dataSource(), PlanCatalog.load());
        ModelVersion pinned = registry.active(enterprise, "als").orElseThrow();
        registry.pin(enterprise, pinned.id());
        String held = pinned.version().toString();
        // Only what promotion needs: a new als version and its materialisation (the similarity versions of the
        // first run are already active and are materialised again as they are).
        NightlyChain.Result second = run(new NightlyChain(List.of(NightlyJobs.byName("als"), NightlyJobs.byName("materialise"))));
        assertThat(second.job("als").modelVersions()).containsEntry(enterprise, "1.1").containsEntry(pro, "1.1");
        // The pro plan tries a new version in a canary first: 1.0 stays active, 1.1 serves the canary's share.
        assertThat(redis.store().activeVersion(pro, FeatureViews.USER_RECOMMENDATIONS)).contains("1.0");
        io.tunetrail.store.registry.ModelCanaries.Canary canary = new io.tunetrail.store.registry.ModelCanaries(db.dataSource(), registry,
                new io.tunetrail.store.registry.ModelSwitch(db.dataSource(), registry, redis.store()), redis.store(),
                java.time.Clock.systemUTC(), 1).latest(pro, "als").orElseThrow();
        assertThat(canary.state()).isEqualTo(io.tunetrail.store.registry.ModelCanaries.State.RUNNING);
        assertThat(canary.candidate().version()).hasToString("1.1");
        assertThat(redis.jedis().get(io.tunetrail.store.online.RedisKeys.canary(pro, FeatureViews.USER_RECOMMENDATIONS)))
                .startsWith("1.1 1000 ");
        assertThat(redis.store().activeVersion(enterprise, FeatureViews.USER_RECOMMENDATIONS)).contains(held);
        assertThat(registry.active(enterprise, "als").orElseThrow().id()).isEqualTo(pinned.id());
        String user = table("recommendations").filter(col("org_id").equalTo(enterprise).and(col("model_version").equalTo(held)))
                .first().getString(3);
        assertThat(redis.store().read(enterprise, FeatureViews.USER_RECOMMENDATIONS, List.of(user)).get(user)
                .getString("model_version")).isEqualTo(held);
    }

    @Test
    @Order(Integer.MAX_VALUE - 2) // before the pin test's second run, after the checks of the first
    void customTrainingRequestsRunOnTheOrgsDataOrFailWithAReason() {
        TrainingQueue queue = new TrainingQueue(db.dataSource(), PlanCatalog.load());
        TrainingRequest custom = queue.submit(enterprise, "als", Map.of("rank", 4, "iterations", 3, "family", "ease",
                "family_params", "lambda:250,min_support:3"), null);
        // The queue refuses such params today; a request queued before the bounds existed must still fail in the batch.
        String badId = "tr_unbounded_" + System.nanoTime();
        try (java.sql.Connection c = db.dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO training_requests (org_id, request_id, algorithm, params, priority)"
                        + " VALUES (?, ?, 'als', '{\"depth\": 3}'::jsonb, 1)")) {
            ps.setString(1, enterprise);
            ps.setString(2, badId);
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        TrainingRequest bad = queue.get(enterprise, badId).orElseThrow();
        Map<String, Object> result = new TrainingRequests(spark, config, line -> { }).runQueued();
        assertThat((List<?>) result.get("requests")).hasSize(2);
        TrainingRequest done = queue.get(enterprise, custom.requestId()).orElseThrow();
        assertThat(done.status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
        ModelVersion version = new ModelRegistry(db.dataSource(), PlanCatalog.load()).version(enterprise, done.modelVersionId())
                .orElseThrow();
        // new params: a new major version of the org's own als lineage, with the request's params
        assertThat(version.version().toString()).isEqualTo("2.0");
        assertThat(version.params()).containsEntry("rank", 4);
        // The request forced the lists' family and its hyperparameters: no search ran.
        // Recorded as fitted: the request's values over the family's defaults for the rest.
        assertThat(version.inputSnapshot()).containsEntry("family", "ease").containsEntry("forced", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> familyParams = (Map<String, Object>) version.inputSnapshot().get("family_params");
        assertThat(familyParams).containsEntry("lambda", 250)
                .containsEntry("min_support", 3).containsEntry("weighting", "binary").containsKey("dropout")
                .containsKey("popularity_discount");
        assertThat(table("user_factors").filter(col("org_id").equalTo(enterprise).and(col("model_version").equalTo("2.0")))
                .count()).isPositive();
        assertThat(table("user_factors").filter(col("org_id").equalTo(pro).and(col("model_version").equalTo("2.0"))).count())
                .isZero();
        TrainingRequest failed = queue.get(enterprise, bad.requestId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(TrainingRequest.Status.FAILED);
        assertThat(failed.error()).contains("'depth' is not a training param");
        // train --requests meters each attempt as the standing worker does, so the cost cap counts it.
        assertMeasuredTrainingCost(custom.requestId());
    }

    @Test
    @Order(Integer.MAX_VALUE - 1) // after the request test above, whose version numbers it would otherwise shift
    void theStandingWorkerRunsARealTrainingRequestToItsEnd() {
        TrainingQueue queue = new TrainingQueue(db.dataSource(), PlanCatalog.load());
        TrainingRequest request = queue.submit(enterprise, "als", Map.of("rank", 6, "iterations", 2), null);
        JobWorker.Options options = new JobWorker.Options("it-worker", 1, java.time.Duration.ofMillis(100), true,
                java.time.Duration.ofMinutes(2), java.time.Duration.ofMillis(500),
                new JobLeases.Backoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5)));
        TrainingQueue workerQueue = new TrainingQueue(db.dataSource(), PlanCatalog.load(), options.id(), options.lease(), options.backoff());
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.tunetrail.store.costs.CostMeter costs = new io.tunetrail.store.costs.CostMeter(db.dataSource(), PlanCatalog.load(),
                io.tunetrail.model.CostCatalog.load(), java.time.Clock.systemUTC(), io.tunetrail.store.costs.CapThresholds.NONE);
        JobWorker worker = new JobWorker(db.dataSource(), PlanCatalog.load(), List.of(new TrainingJobKind(spark,
                new TrainingRequests(spark, config, line -> { }), workerQueue, db.dataSource(),
                io.tunetrail.batch.costs.SparkCpuMeter.attach(spark), costs)), options, log::add);

        JobWorker.Summary summary = worker.run();

        assertThat(summary.succeeded()).as(String.join("\n", log)).isEqualTo(1);
        assertThat(log).singleElement().asString().contains(request.requestId()).contains("succeeded");
        TrainingRequest done = queue.get(enterprise, request.requestId()).orElseThrow();
        assertThat(done.status()).isEqualTo(TrainingRequest.Status.SUCCEEDED);
        assertThat(done.worker()).isEqualTo("it-worker");
        assertThat(done.percent()).isEqualTo(100);
        ModelVersion version = new ModelRegistry(db.dataSource(), PlanCatalog.load()).version(enterprise, done.modelVersionId())
                .orElseThrow();
        assertThat(version.params()).containsEntry("rank", 6);
        assertThat(table("user_factors").filter(col("org_id").equalTo(enterprise)
                .and(col("model_version").equalTo(version.version().toString()))).count()).isPositive();
        assertMeasuredTrainingCost(request.requestId());
    }

    /** The first attempt's measured cost: its own Spark tasks' CPU plus the driver thread's, priced as training. */
    private static void assertMeasuredTrainingCost(String requestId) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement("SELECT attempt, cpu_seconds, usd, (details->>'executor_cpu_seconds')::float8 "
                        + "FROM usage_costs WHERE org_id = ? AND kind = 'training' AND job_id = ?")) {
            st.setString(1, enterprise);
            st.setString(2, requestId);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a usage_costs row for " + requestId).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getDouble(4)).as("executor CPU seconds").isPositive();
                assertThat(rs.getDouble(2)).isGreaterThan(rs.getDouble(4));
                assertThat(rs.getBigDecimal(3).doubleValue()).isCloseTo(rs.getDouble(2)
                        * io.tunetrail.model.CostCatalog.load().cpuSecondUsd("training"), org.assertj.core.api.Assertions.within(1e-6));
                assertThat(rs.next()).isFalse();
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static scala.collection.immutable.Seq<String> seq(String... columns) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toList();
    }

    private static long count(String table, String org, long versionId) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE org_id = ? AND model_version_id = ?")) {
            st.setString(1, org);
            st.setLong(2, versionId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
