package io.tunetrail.batch.als;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Implicit-feedback ALS (spark-mllib) on one org's preferences ({@link Preferences}): listener and track ids are
 * indexed to the integers Spark's ALS needs, and the factors come back keyed by the original ids.
 */
public final class ImplicitAls {
    private final AlsParams params;

    public ImplicitAls(AlsParams params) {
        this.params = params;
    }

    /** The learnt factors: {@code user_id, features} and {@code track_id, features} (features: array of floats). */
    public record Factors(Dataset<Row> users, Dataset<Row> tracks) {
        public Factors cache() {
            return new Factors(users.cache(), tracks.cache());
        }

        public void unpersist() {
            users.unpersist();
            tracks.unpersist();
        }
    }

    /**
     * Fits on rows with {@code user_id, track_id, preference} (one org). Listeners and tracks without a single positive
     * preference (only skipped or disliked) are left out: Spark regularises each one by its count of positive
     * preferences, so theirs is 0 and, in an org with fewer listeners (or tracks) than the rank, their normal equations
     * are singular and the whole fit fails. They would get no useful factor anyway; a track nobody wanted is not
     * recommended, a listener who wanted nothing gets the popularity fallback.
     */
    public Factors fit(Dataset<Row> all) {
        Dataset<Row> wanted = all.filter(col(Preferences.PREFERENCE).gt(0));
        // One pass suffices: a kept track has a positive preference from a listener who is therefore kept, and vice versa.
        Dataset<Row> preferences = all.join(wanted.select("user_id").distinct(), "user_id", "left_semi")
                .join(wanted.select("track_id").distinct(), "track_id", "left_semi");
        StringIndexerModel users = new StringIndexer().setInputCol("user_id").setOutputCol("u").fit(preferences);
        StringIndexerModel tracks = new StringIndexer().setInputCol("track_id").setOutputCol("i").fit(preferences);
        Dataset<Row> indexed = tracks.transform(users.transform(preferences))
                .select(col("u").cast("int").as("u"), col("i").cast("int").as("i"), col(Preferences.PREFERENCE).cast("float").as("r"));
        ALSModel model = new ALS()
                .setImplicitPrefs(true)
                .setRank(params.rank())
                .setMaxIter(params.iterations())
                .setRegParam(params.regularization())
                .setAlpha(params.alpha())
                .setSeed(params.seed())
                // Spark's default of 10 blocks is for clusters; on local[2] it is mostly task overhead.
                .setNumBlocks(Math.max(2, Math.min(10, preferences.sparkSession().sparkContext().defaultParallelism())))
                .setUserCol("u").setItemCol("i").setRatingCol("r")
                .setColdStartStrategy("drop")
                .fit(indexed);
        return new Factors(unindex(model.userFactors(), users.labelsArray()[0], "user_id"),
                unindex(model.itemFactors(), tracks.labelsArray()[0], "track_id"));
    }

    private static Dataset<Row> unindex(Dataset<Row> factors, String[] labels, String idColumn) {
        return new IndexToString().setInputCol("id").setOutputCol(idColumn).setLabels(labels).transform(factors)
                .select(col(idColumn), col("features"));
    }
}
