package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A planted block structure: listeners a0..a19 play only tracks A0..A9, listeners b0..b19 only B0..B9, each a
 * random 60% of their block. ALS must recover the blocks: every recommendation stays in the listener's block, and
 * listeners of a block are more alike than listeners across blocks.
 */
class ImplicitAlsTest {
    private static final StructType PREFS = new StructType()
            .add("user_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
            .add("preference", DataTypes.DoubleType);

    private static SparkSession spark;
    private static ImplicitAls.Factors factors;
    private static Dataset<Row> prefs;

    @BeforeAll
    static void fit() {
        spark = LocalSpark.get();
        List<Row> rows = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (String block : List.of("a", "b")) {
            for (int u = 0; u < 20; u++) {
                List<Integer> tracks = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
                java.util.Collections.shuffle(tracks, random);
                for (int t : tracks.subList(0, 6)) { // a random 6 of the block's 10
                    rows.add(RowFactory.create(block + u, block.toUpperCase() + t, 1.0 + random.nextInt(3)));
                }
            }
        }
        prefs = spark.createDataFrame(rows, PREFS).cache();
        factors = new ImplicitAls(new AlsParams(2, 10, 0.1, 10, 7, "play:1", false)).fit(prefs).cache();
    }

    @Test
    void aTrackOrListenerWithOnlyNegativePreferencesInAnOrgSmallerThanTheRankIsLeftOutInsteadOfFailingTheFit() {
        // Three listeners, rank 8: the listeners' Gram matrix has rank 3, so a track with no positive preference (no
        // regularisation in Spark's implicit ALS) has singular normal equations.
        List<Row> rows = new ArrayList<>();
        for (String u : List.of("u1", "u2", "u3")) {
            for (String t : List.of("t1", "t2", "t3", "t4")) {
                rows.add(RowFactory.create(u, t, u.equals("u1") && t.equals("t4") ? 1.0 : 2.0));
            }
        }
        rows.add(RowFactory.create("u1", "skipped-by-all", -1.0));
        rows.add(RowFactory.create("u2", "skipped-by-all", -2.0));
        rows.add(RowFactory.create("grumpy", "t1", -1.0));
        ImplicitAls.Factors small = new ImplicitAls(new AlsParams(8, 5, 0.1, 10, 7, "play:1", false))
                .fit(spark.createDataFrame(rows, PREFS));

        assertThat(small.tracks().collectAsList()).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("t1", "t2", "t3", "t4");
        assertThat(small.users().collectAsList()).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("u1", "u2", "u3");
    }

    @Test
    void factorsCoverEveryListenerAndTrack() {
        assertThat(factors.users().count()).isEqualTo(40);
        assertThat(factors.tracks().count()).isEqualTo(20);
        assertThat(factors.users().first().getList(1)).hasSize(2);
    }

    @Test
    void recommendationsStayInTheListenersBlockAndSkipWhatTheyHeard() {
        Dataset<Row> heard = prefs.groupBy("user_id").agg(collect_list("track_id").as("heard"));
        Dataset<Row> queries = factors.users().join(heard, "user_id");
        List<Row> recs = FactorTopK.topK(queries, "user_id", "heard", factors.tracks(), "track_id", 3, false).collectAsList();
        assertThat(recs).hasSize(40 * 3);
        Map<String, List<String>> heardBy = new HashMap<>();
        heard.collectAsList().forEach(r -> heardBy.put(r.getString(0), r.getList(1)));
        for (Row r : recs) {
            String user = r.getString(0);
            String track = r.getString(2);
            assertThat(track.substring(0, 1)).as("block of %s's recommendation %s", user, track)
                    .isEqualTo(user.substring(0, 1).toUpperCase());
            assertThat(heardBy.get(user)).doesNotContain(track);
        }
    }

    @Test
    void listenersOfABlockAreMostAlike() {
        Dataset<Row> similar = FactorTopK.topK(factors.users().withColumn("self", org.apache.spark.sql.functions.array(col("user_id"))),
                "user_id", "self", factors.users(), "user_id", 5, true).toDF("user", "rank", "other", "score");
        for (Row r : similar.collectAsList()) {
            assertThat(r.getString(2).charAt(0)).as("neighbour of %s", r.getString(0)).isEqualTo(r.getString(0).charAt(0));
            assertThat(r.getString(2)).isNotEqualTo(r.getString(0));
            assertThat(r.getDouble(3)).isBetween(-1.0001, 1.0001);
        }
    }
}
