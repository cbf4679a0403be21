package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SmallChain;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global ALS model of the community edition, through the chain's model part (training, similarities, evaluation,
 * materialisation): two community orgs and one pro org on generated data (whose catalogs reuse the same track and
 * listener ids in every org, as real tenants' may). One track is played only in the second community org: it must
 * never reach the first one's lists.
 *
 * <p>The analytics, audio, catalog and marts jobs read nothing the model part writes and are left out: they took
 * more than half of this class's time, and NightlyChainIT runs the whole chain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlobalModelIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();
    private static final String ONLY_IN_B = "tr-only-in-b";

    @TempDir
    static Path store;

    private static SparkSession spark;
    private static PlatformConfig config;
    private static NightlyChain.Result first;
    private static String communityA;
    private static String communityB;
    private static String pro;

    @BeforeAll
    static void runTheChain() {
        spark = LocalSpark.get();
        // No retired version kept: the retrain below retires and prunes the first ones.
        config = SmallChain.config(DB, store, Map.of(PlatformConfig.RETENTION_KEEP_RETIRED.name(), "0"));
        Map<String, String> renamed = new HashMap<>();
        Instant end = Instant.parse("2026-03-01T00:00:00Z");
        GeneratorSettings settings = new GeneratorSettings(7L, 0.1, 3, end, 7, List.of("community", "pro", "community"));
        SyntheticLake.Loaded world = new SyntheticLake(spark, new OfflineTables(spark, store.toString()))
                .load(settings, id -> renamed.computeIfAbsent(id, REDIS::newOrgId), DB.dataSource());
        List<String> community = world.catalog().orgs().stream().filter(o -> o.planId().equals("community"))
                .map(o -> o.orgId()).sorted().toList();
        communityA = community.get(0);
        communityB = community.get(1);
        pro = world.catalog().orgs().stream().filter(o -> o.planId().equals("pro")).findFirst().orElseThrow().orgId();
        // A track of org B's catalog that nobody in A has: its listeners are some of B's heaviest.
        String location = new OfflineTables(spark, store.toString()).location("interactions");
        Dataset<Row> bEvents = spark.read().format("delta").load(location).filter(col("org_id").equalTo(communityB));
        bEvents.limit(400).withColumn("track_id", lit(ONLY_IN_B))
                .write().format("delta").mode(SaveMode.Append).save(location);
        first = run(jobs("als", "als-global", "track-similarity", "user-similarity", "evaluate", "materialise"));
    }

    private static NightlyChain jobs(String... names) {
        return new NightlyChain(Arrays.stream(names).map(NightlyJobs::byName).toList());
    }

    private static NightlyChain.Result run(NightlyChain chain) {
        try (NightlyContext ctx = NightlyContext.builder(spark, config).storeRoot(store.toString())
                .dataSource(DB.dataSource()).onlineStore(REDIS.store()).build()) {
            return chain.run(ctx);
        }
    }

    private static Dataset<Row> table(String name) {
        return spark.read().format("delta").load(new OfflineTables(spark, store.toString()).location(name));
    }

    private static Dataset<Row> partition(String name, String org, String version) {
        return table(name).filter(col("org_id").equalTo(org).and(col("model_version").equalTo(version)));
    }

    @Test
    void communityOrgsShareOneGlobalVersionAndGetNoModelOfTheirOwn() {
        assertThat(first.job("als").modelVersions()).containsOnlyKeys(pro);
        JobResult global = first.job("als-global");
        assertThat(global.modelVersions()).containsOnly(Map.entry(communityA, "global-1.0"), Map.entry(communityB, "global-1.0"));
        ModelRegistry registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        ModelVersion active = registry.activeGlobal("als").orElseThrow();
        assertThat(active.isGlobal()).isTrue();
        assertThat(active.version().toString()).isEqualTo("1.0");
        assertThat(active.params()).containsKey("scope");
        assertThat(registry.versions(communityA, "als")).isEmpty();
        // evaluate scored the global version on each community org's data, one key per org
        assertThat(active.metrics()).containsKeys("org:" + communityA, "org:" + communityB);
        assertThat(first.job("materialise").modelVersions())
                .containsEntry(communityA, "global-1.0").containsEntry(communityB, "global-1.0").containsEntry(pro, "1.0");
    }

    @Test
    void eachCommunityOrgIsServedItsOwnListsFromTheGlobalVersion() {
        for (String org : List.of(communityA, communityB)) {
            assertThat(REDIS.store().activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).contains("global-1.0");
            Map<String, List<String>> lists = new HashMap<>();
            partition("recommendations", org, "global-1.0").orderBy("user_id", "rank").collectAsList().forEach(r ->
                    lists.computeIfAbsent(r.getString(r.fieldIndex("user_id")), u -> new ArrayList<>())
                            .add(r.getString(r.fieldIndex("track_id"))));
            assertThat(lists).isNotEmpty();
            List<String> some = lists.keySet().stream().sorted().limit(5).toList();
            Map<String, FeatureRow> served = REDIS.store().read(org, FeatureViews.USER_RECOMMENDATIONS, some);
            for (String user : some) {
                assertThat(served.get(user).getIds("track_ids")).isEqualTo(lists.get(user));
                assertThat(served.get(user).getString("model_version")).isEqualTo("global-1.0");
            }
        }
        assertThat(REDIS.store().activeVersion(pro, FeatureViews.USER_RECOMMENDATIONS)).contains("1.0");
    }

    @Test
    void noTrackOfAnotherOrgReachesAnOrgsLists() {
        assertThat(partition("track_factors", communityB, "global-1.0").filter(col("track_id").equalTo(ONLY_IN_B)).count())
                .isOne();
        assertThat(partition("track_factors", communityA, "global-1.0").filter(col("track_id").equalTo(ONLY_IN_B)).count())
                .isZero();
        Dataset<Row> recsA = partition("recommendations", communityA, "global-1.0");
        assertThat(recsA.count()).isPositive();
        assertThat(recsA.filter(col("track_id").equalTo(ONLY_IN_B)).count()).isZero();
        // every recommended track is one A's own listeners played
        Dataset<Row> playedInA = table("interactions").filter(col("org_id").equalTo(communityA)).select("track_id").distinct();
        assertThat(recsA.select("track_id").distinct().except(playedInA).count()).isZero();
    }

    @Test
    void similaritiesOfCommunityOrgsComeFromTheGlobalFactors() {
        for (String org : List.of(communityA, communityB)) {
            Dataset<Row> rows = table("track_similarity").filter(col("org_id").equalTo(org));
            assertThat(rows.count()).isPositive();
            assertThat(rows.select("als_version").distinct().collectAsList()).extracting(r -> r.getString(0))
                    .containsExactly("global-1.0");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // runs the chain's model part again
    void aRetrainMovesEveryCommunityOrgToTheNewGlobalVersion() {
        NightlyChain.Result second = run(jobs("als", "als-global", "materialise"));
        assertThat(second.job("als-global").modelVersions()).containsEntry(communityA, "global-1.1");
        ModelRegistry registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        assertThat(registry.activeGlobal("als").orElseThrow().version().toString()).isEqualTo("1.1");
        assertThat(REDIS.store().activeVersion(communityA, FeatureViews.USER_RECOMMENDATIONS)).contains("global-1.1");
        assertThat(REDIS.store().activeVersion(communityB, FeatureViews.USER_RECOMMENDATIONS)).contains("global-1.1");
        // The pro plan tries its new version in a canary first (ModelCanaries): 1.0 stays active, 1.1 is the candidate.
        assertThat(REDIS.store().activeVersion(pro, FeatureViews.USER_RECOMMENDATIONS)).contains("1.0");
        assertThat(REDIS.jedis().get(RedisKeys.canary(pro, FeatureViews.USER_RECOMMENDATIONS))).startsWith("1.1 ");
        // Retention (keep 0): the retired global 1.0 loses its served rows, the active ones keep theirs.
        String user = partition("recommendations", communityA, "global-1.0").first().getString(3);
        assertThat(REDIS.jedis().exists(RedisKeys.versionedRow(communityA, FeatureViews.USER_RECOMMENDATIONS, user, "global-1.0")))
                .isFalse();
        assertThat(REDIS.store().read(communityA, FeatureViews.USER_RECOMMENDATIONS, List.of(user)).get(user)
                .getString("model_version")).isEqualTo("global-1.1");
        String proUser = partition("recommendations", pro, "1.0").first().getString(3);
        assertThat(REDIS.jedis().exists(RedisKeys.versionedRow(pro, FeatureViews.USER_RECOMMENDATIONS, proUser, "1.0")))
                .as("pro's 1.0 is still active while its successor is in a canary").isTrue();
        assertThatThrownBy(() -> registry.rollback(null, "als")).hasMessageContaining("pruned");
    }
}
