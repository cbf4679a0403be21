package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.ingestion.synthetic.GroundTruth;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.vector.Neighbour;
import io.tunetrail.store.vector.PgVectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The four analytics jobs on generated data (two orgs, small scale) with the stack's PostgreSQL: results read back
 * from Delta and PostgreSQL, and the generator's planted patterns found again.
 */
class AnalyticsJobsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final Instant END = Instant.parse("2026-03-02T00:00:00Z");
    private static SparkSession spark;
    private static Path store;
    private static SyntheticGenerator generator;
    private static NightlyChain.Result result;

    @BeforeAll
    static void generateLandAndRun() throws Exception {
        spark = LocalSpark.get();
        store = Files.createTempDirectory("analytics-it");
        GeneratorSettings settings = GeneratorSettings.defaults(END).withScale(0.15).withOrgs(2);
        generator = new SyntheticGenerator(settings);
        new SyntheticLake(spark, new OfflineTables(spark, store.toString())).load(settings, org -> org, DB.dataSource());
        try (NightlyContext ctx = context()) {
            result = new NightlyChain(analyticsJobs()).run(ctx);
        }
        result.jobs().forEach(j -> System.out.println(j.summary() + " " + j.figures().get("per_org")));
    }

    private static NightlyContext context() {
        return NightlyContext.builder(spark, DB.config()).storeRoot(store.toString()).dataSource(DB.dataSource()).build();
    }

    /** The analytics jobs as the chain registers them, in its order. */
    private static List<NightlyJob> analyticsJobs() {
        List<NightlyJob> jobs = NightlyJobs.ALL.stream().filter(j -> AnalyticsJobs.NAMES.contains(j.name())).toList();
        assertThat(jobs).extracting(NightlyJob::name).containsExactlyElementsOf(AnalyticsJobs.NAMES);
        return jobs;
    }

    @AfterAll
    static void deleteStore() throws Exception {
        if (store != null) {
            try (var paths = Files.walk(store)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> orgs() {
        return generator.catalog().orgs().stream().map(Org::orgId).toList();
    }

    @Test
    void everyJobMaterialisesAnActiveVersionPerOrgInDeltaAndPostgres() throws SQLException {
        for (String job : AnalyticsJobs.NAMES) {
            JobResult r = result.job(job);
            assertThat(r.modelVersions().keySet()).as(job).containsExactlyInAnyOrderElementsOf(orgs());
            for (String org : orgs()) {
                assertThat(((Map<?, ?>) ((Map<?, ?>) r.figures().get("per_org")).get(org)).get("promoted"))
                        .as(job + " " + org).isEqualTo(true);
            }
            for (String org : orgs()) {
                assertThat(query("SELECT count(*) FROM model_versions WHERE org_id = ? AND algorithm = ? AND status = 'active'",
                        org, job)).as(job + " " + org).containsExactly(1.0);
            }
        }
        Dataset<Row> delta = spark.read().format("delta").load(OfflineStoreLayout.load().table("genre_correlations").location(store.toString()));
        assertThat(delta.filter(col("model_version").isNull()).count()).isZero();
        assertThat(delta.select("run_id").distinct().count()).isEqualTo(1);
        assertThat(result.job(AnalyticsJobs.GENRE_CORRELATIONS).inputVersions()).containsKey("interactions");
        assertThat(delta.columns()).startsWith("org_id", "model_version", "run_id");
        // Delta and PostgreSQL hold the same rows.
        assertThat(query("SELECT count(*) FROM genre_correlations")).containsExactly((double) delta.count());
        long profiles = spark.read().format("delta").load(OfflineStoreLayout.load().table("temporal_patterns").location(store.toString())).count();
        assertThat(query("SELECT count(*) FROM temporal_patterns")).containsExactly((double) profiles);
    }

    @Test
    void plantedGenrePairsAreHeardTogetherMoreThanChance() throws SQLException {
        String org = orgs().get(0);
        for (GroundTruth.GenrePair pair : generator.groundTruth().correlatedGenres()) {
            List<Double> lift = query("SELECT g.lift FROM genre_correlations g JOIN model_versions v USING (org_id, model_version_id) "
                    + "WHERE v.status = 'active' AND g.org_id = ? AND g.scope = 'session' AND g.genre_a = ? AND g.genre_b = ?",
                    org, pair.first(), pair.second());
            assertThat(lift).as(pair.toString()).hasSize(1);
            assertThat(lift.get(0)).as(pair.toString()).isGreaterThan(1.5);
        }
        // Both orders are stored.
        assertThat(query("SELECT count(*) FROM genre_correlations a JOIN genre_correlations b ON a.org_id = b.org_id "
                + "AND a.model_version_id = b.model_version_id AND a.scope = b.scope AND a.genre_a = b.genre_b AND a.genre_b = b.genre_a "
                + "AND a.lift = b.lift WHERE a.org_id = ?", org))
                .containsExactlyElementsOf(query("SELECT count(*) FROM genre_correlations WHERE org_id = ?", org));
    }

    @Test
    void plantedActivityAudioRelationsComeOutAsFindings() throws SQLException {
        // ActivityFit: workout fast and energetic, sleep slow, quiet and acoustic, study instrumental, party danceable.
        Map<String, Integer> expectedSign = new LinkedHashMap<>();
        expectedSign.put("workout/energy", 1);
        expectedSign.put("workout/tempo", 1);
        expectedSign.put("sleep/energy", -1);
        expectedSign.put("sleep/tempo", -1);
        expectedSign.put("sleep/acousticness", 1);
        expectedSign.put("study/instrumentalness", 1);
        expectedSign.put("study/energy", -1);
        expectedSign.put("party/danceability", 1);
        Dataset<Row> delta = spark.read().format("delta")
                .load(OfflineStoreLayout.load().table("context_correlations").location(store.toString()));
        for (String org : orgs()) {
            expectedSign.forEach((pair, sign) -> {
                String[] p = pair.split("/");
                Row r = delta.filter(col("org_id").equalTo(org).and(col("activity").equalTo(p[0])).and(col("feature").equalTo(p[1]))).first();
                assertThat(r.<Boolean>getAs("finding")).as(org + " " + pair).isTrue();
                assertThat(Math.signum(r.<Double>getAs("effect_size"))).as(org + " " + pair).isEqualTo((double) sign);
                double nearerZero = sign > 0 ? r.<Double>getAs("ci_low") : -r.<Double>getAs("ci_high");
                assertThat(nearerZero).as(org + " " + pair + " CI excludes 0").isGreaterThan(0);
            });
            assertThat(query("SELECT count(*) FROM context_correlations c JOIN model_versions v USING (org_id, model_version_id) "
                    + "WHERE v.status = 'active' AND c.org_id = ? AND c.activity = 'workout' AND c.feature = 'energy' AND c.ci_low > 0", org))
                    .containsExactly(1.0);
        }
    }

    @Test
    void orgProfilesSumToOneAndPeakInTheLocalEvening() throws SQLException {
        for (String org : orgs()) {
            assertThat(query("SELECT sum(share) FROM temporal_patterns WHERE org_id = ? AND user_id = ''", org).get(0))
                    .isCloseTo(1.0, within(1e-9));
            // The busiest UTC hour, in the org's zone, is in the planted evening peak (19:00-23:00 local).
            Row peak = spark.read().format("delta").load(OfflineStoreLayout.load().table("peak_hours").location(store.toString()))
                    .filter(col("org_id").equalTo(org).and(col("user_id").equalTo("")).and(col("rank").equalTo(1))).first();
            ZoneId zone = generator.groundTruth().zone(org);
            int localHour = ZonedDateTime.of(2026, 2, 15, peak.<Short>getAs("hour_of_day"), 0, 0, 0, ZoneId.of("UTC"))
                    .withZoneSameInstant(zone).getHour();
            assertThat(localHour).as(org + " in " + zone).isBetween(19, 22);
            assertThat(query("SELECT count(DISTINCT month) FROM monthly_trends WHERE org_id = ? AND genre_id = ''", org))
                    .containsExactly(2.0);
        }
    }

    @Test
    void everyTrackHasAUnitEmbeddingInPgvectorAndNeighboursSoundAlike() throws SQLException {
        String org = orgs().get(0);
        long tracks = generator.catalog().tracks().stream().filter(t -> t.orgId().equals(org)).count();
        assertThat(query("SELECT count(*) FROM track_embeddings WHERE org_id = ? AND model_version IS NOT NULL", org))
                .containsExactly((double) tracks);
        assertThat(query("SELECT max(abs(vector_norm(embedding) - 1)) FROM track_embeddings WHERE org_id = ?", org).get(0))
                .isLessThan(1e-5);
        // A sleep-sounds track's nearest neighbours are mostly calm, acoustic tracks too.
        String calm = generator.catalog().tracks().stream()
                .filter(t -> t.orgId().equals(org) && t.genreIds().contains("sleep-sounds")).findFirst().orElseThrow().trackId();
        List<Neighbour> near = new PgVectorStore(DB.dataSource()).nearestToTrack(org, calm, 10, Set.of());
        assertThat(near).hasSize(10);
        double calmShare = near.stream().filter(n -> generator.catalog().audioFeatures().stream()
                .anyMatch(f -> f.orgId().equals(org) && f.trackId().equals(n.trackId()) && f.energy() < 0.4)).count() / 10.0;
        assertThat(calmShare).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void aSecondRunSwitchesReadersToTheNewVersionWholeExceptWhereTheOrgFroze() throws SQLException {
        String frozen = orgs().get(0);
        String org = orgs().get(1);
        String activeRows = "SELECT count(*) FROM context_correlations c JOIN model_versions v USING (org_id, model_version_id) "
                + "WHERE v.status = 'active' AND c.org_id = ?";
        List<Double> before = query(activeRows, org);
        new ModelRegistry(DB.dataSource(), PlanCatalog.load()).freeze(frozen, true);

        JobResult again;
        try (NightlyContext ctx = context()) {
            again = new ContextCorrelationsJob().run(ctx);
        }

        // Same inputs, same parameters: a new minor version with the same rows, active instead of the first.
        assertThat(again.modelVersions().get(org)).isEqualTo("1.1");
        assertThat(query(activeRows, org)).isEqualTo(before);
        assertThat(query("SELECT count(*) FROM model_versions WHERE org_id = ? AND algorithm = 'context-correlations' "
                + "AND status = 'retired'", org)).containsExactly(1.0);
        // The frozen org's candidate is written but not promoted: its readers keep 1.0.
        assertThat(((Map<?, ?>) ((Map<?, ?>) again.figures().get("per_org")).get(frozen)).get("promoted")).isEqualTo(false);
        assertThat(query("SELECT count(*) FROM model_versions WHERE org_id = ? AND algorithm = 'context-correlations' "
                + "AND status = 'active' AND version = '1.0'", frozen)).containsExactly(1.0);
        assertThat(query("SELECT count(*) FROM context_correlations c JOIN model_versions v USING (org_id, model_version_id) "
                + "WHERE v.status = 'candidate' AND c.org_id = ?", frozen)).isEqualTo(query(activeRows, frozen));
    }

    private static List<Double> query(String sql, Object... args) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Double> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getDouble(1));
                }
            }
            return out;
        }
    }
}
