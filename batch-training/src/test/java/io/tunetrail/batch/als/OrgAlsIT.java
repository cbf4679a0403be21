package io.tunetrail.batch.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunetrail.batch.eval.DatasetEvaluation;
import io.tunetrail.batch.eval.Evaluator;
import io.tunetrail.batch.eval.HoldoutSplit;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory solver and MLlib's distributed ALS learn models of the same quality: precision@10 of the same
 * full-ranking evaluation (same split, preferences and hyperparameters) agrees within {@link #TOLERANCE} (relative),
 * the tolerance {@code bench batch} uses to call two models "like with like"; and orgs are routed by size. On the
 * same evaluation, a family the nightly choice picked instead of ALS is what gets scored, under its own name.
 */
class OrgAlsIT {
    /** Relative difference of precision@10 allowed between the solvers. */
    static final double TOLERANCE = 0.10;
    static final Path LASTFM = Path.of("..", "..", "shared", "datasets", "hetrec2011-lastfm-2k").toAbsolutePath().normalize();
    private static final StructType EVENTS = new StructType().add("org_id", DataTypes.StringType)
            .add("user_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
            .add("event_type", DataTypes.StringType).add("count", DataTypes.IntegerType)
            .add("event_time", DataTypes.TimestampType);
    private static final StructType TRACKS = new StructType().add("track_id", DataTypes.StringType)
            .add("genres", DataTypes.createArrayType(DataTypes.StringType));

    @TempDir
    Path rejects;

    private final PlatformConfig config = TestStack.config(Map.of());

    @Test
    void bothSolversReachTheSamePrecisionOnPlantedTastes() {
        Dataset<Row> events = planted(LocalSpark.get(), "acme", 400, 8, 30, 1);
        Evaluator.Report inMemory = evaluate(Long.MAX_VALUE, events, 16, 10);
        Evaluator.Report mllib = evaluate(0, events, 16, 10);
        assertThat(inMemory.users()).isEqualTo(mllib.users()).isGreaterThan(300);
        assertAgree(inMemory.model().precision(), mllib.model().precision());
        // Both actually learnt the tastes: far above ranking by popularity.
        assertThat(inMemory.precisionRatio()).isGreaterThan(2);
        assertThat(mllib.precisionRatio()).isGreaterThan(2);
        assertThat(inMemory.family()).isEqualTo("als");

        // The nightly evaluate job scores the family that serves the org (the registry's family and family_params).
        Dataset<Row> tracks = LocalSpark.get().createDataFrame(List.of(RowFactory.create("tr-0", List.of("jazz"))), TRACKS);
        Evaluator.Report ease = evaluator(Long.MAX_VALUE, 16, 10).evaluate(events,
                new Evaluator.Served("ease", Map.of("lambda", 100.0), tracks));
        assertThat(ease.family()).isEqualTo("ease");
        assertThat(ease.asMap()).containsEntry("family", "ease").containsKey("ease").doesNotContainKey("als");
        assertThat(List.of(ease.users(), ease.trainPairs(), ease.heldOutPairs())).as("the same split")
                .isEqualTo(List.of(inMemory.users(), inMemory.trainPairs(), inMemory.heldOutPairs()));
        assertThat(ease.baseline()).isEqualTo(inMemory.baseline());
        assertThat(ease.model()).as("EASE's own lists, not ALS's").isNotEqualTo(inMemory.model());
        assertThat(ease.precisionRatio()).as("EASE learnt the tastes too").isGreaterThan(2);
        assertThatThrownBy(() -> evaluator(Long.MAX_VALUE, 16, 10).evaluate(events, new Evaluator.Served("ncf", Map.of(), tracks)))
                .hasMessageContaining("unknown family 'ncf'");
    }

    @Test
    void bothSolversReachTheSamePrecisionOnLastFm() {
        assumeTrue(Files.isRegularFile(LASTFM.resolve("user_artists.dat")),
                "Last.fm HetRec 2011 is not at " + LASTFM + " (see README, Data); this test needs it");
        Dataset<Row> events = new DatasetEvaluation(LocalSpark.get(), rejects).events("lastfm-2k", LASTFM).cache();
        Evaluator.Report inMemory = evaluate(Long.MAX_VALUE, events, 16, 8);
        Evaluator.Report mllib = evaluate(0, events, 16, 8);
        assertThat(inMemory.model().precision()).isGreaterThan(0.1);
        assertAgree(inMemory.model().precision(), mllib.model().precision());
        events.unpersist();
    }

    @Test
    void orgsAreRoutedBySizeAndEachGetsItsOwnFactors() {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> events = planted(spark, "small", 40, 2, 10, 1).union(planted(spark, "big", 80, 2, 10, 2));
        Dataset<Row> prefs = Preferences.from(config).compute(events).cache();
        long smallSize = prefs.filter("org_id = 'small'").count();
        long bigSize = prefs.filter("org_id = 'big'").count();
        assertThat(bigSize).isGreaterThan(smallSize);
        OrgAls.Fitted fitted = new OrgAls(AlsParams.from(config).with(4, 5), smallSize, 1).fit(prefs);
        try {
            assertThat(fitted.orgs()).containsExactly("big", "small");
            assertThat(fitted.solver("small")).isEqualTo(OrgAls.Solver.IN_MEMORY_CG);
            assertThat(fitted.solver("big")).isEqualTo(OrgAls.Solver.MLLIB);
            assertThat(fitted.preferences("small")).isEqualTo(smallSize);
            for (String org : fitted.orgs()) {
                ImplicitAls.Factors f = fitted.factors(org);
                List<String> users = f.users().select("user_id").as(Encoders.STRING()).collectAsList();
                assertThat(users).as("listeners of %s", org).hasSize(org.equals("big") ? 80 : 40)
                        .allMatch(u -> u.startsWith(org + "-"));
                assertThat(f.tracks().count()).isEqualTo(20);
                assertThat(f.users().first().getList(1)).hasSize(4);
            }
        } finally {
            fitted.unpersist();
            prefs.unpersist();
        }
    }

    private Evaluator.Report evaluate(long maxInMemory, Dataset<Row> events, int rank, int iterations) {
        return evaluator(maxInMemory, rank, iterations).evaluate(events);
    }

    private Evaluator evaluator(long maxInMemory, int rank, int iterations) {
        AlsParams params = AlsParams.from(config).with(rank, iterations);
        return new Evaluator(params, Preferences.from(config), new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, 42), 10,
                new OrgAls(params, maxInMemory, 2));
    }

    private static void assertAgree(double a, double b) {
        assertThat(Math.abs(a - b)).as("precision@10 %s (in memory) vs %s (MLlib)", a, b)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(a, b));
    }

    /**
     * {@code users} listeners in {@code groups} taste groups of {@code tracksPerGroup} tracks: each plays 12 of their
     * group's tracks (1-4 times) and 3 random tracks of any group once.
     */
    static Dataset<Row> planted(SparkSession spark, String org, int users, int groups, int tracksPerGroup, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        Timestamp t = Timestamp.valueOf("2026-03-01 12:00:00");
        for (int u = 0; u < users; u++) {
            int group = u % groups;
            String user = org + "-u" + u;
            List<Integer> own = new ArrayList<>();
            for (int i = 0; i < tracksPerGroup; i++) {
                own.add(group * tracksPerGroup + i);
            }
            java.util.Collections.shuffle(own, random);
            for (int track : own.subList(0, Math.min(12, tracksPerGroup - 2))) {
                rows.add(RowFactory.create(org, user, "tr-" + track, "play", 1 + random.nextInt(4), t));
            }
            for (int n = 0; n < 3; n++) {
                rows.add(RowFactory.create(org, user, "tr-" + random.nextInt(groups * tracksPerGroup), "play", 1, t));
            }
        }
        return spark.createDataFrame(rows, EVENTS);
    }
}
