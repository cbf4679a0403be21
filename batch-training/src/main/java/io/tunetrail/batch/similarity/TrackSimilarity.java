package io.tunetrail.batch.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Item-item top-k for one org: <b>both</b> co-occurrence and factors. Co-occurrence picks the candidate pairs and
 * their support (listeners who played both, among each listener's {@code maxHistory} strongest tracks); the cosine of
 * the two tracks' ALS factors scores them.
 *
 * <p>Why both: cosine alone ranks every pair of the catalog, including tracks nobody ever played together, whose
 * closeness is an artefact of the low-rank fit (and all-pairs cosine is catalog² work); co-occurrence alone favours
 * popular tracks (raw counts) and is noisy for rare ones. Candidates from co-occurrence with a minimum support, ranked
 * by the factors' cosine, give pairs with evidence and a score that discounts sheer popularity. Cosine is symmetric
 * and both directions of a pair are kept, so B is in A's list with the same score as A in B's (when both lists have
 * room for it: each list is cut at k).
 */
public final class TrackSimilarity {
    private final int topK;
    private final int minSupport;
    private final int maxHistory;

    public TrackSimilarity(int topK, int minSupport, int maxHistory) {
        this.topK = topK;
        this.minSupport = minSupport;
        this.maxHistory = maxHistory;
    }

    /**
     * @param preferences {@code user_id, track_id, preference} of one org; only positive preferences count
     * @param trackFactors {@code track_id, features}
     * @return {@code track_id, rank, similar_track_id, score, support}
     */
    public Dataset<Row> compute(Dataset<Row> preferences, Dataset<Row> trackFactors) {
        Dataset<Row> history = preferences.filter(col("preference").gt(0))
                .withColumn("pos", row_number().over(Window.partitionBy("user_id")
                        .orderBy(col("preference").desc(), col("track_id"))))
                .filter(col("pos").leq(maxHistory))
                .select("user_id", "track_id");
        Dataset<Row> a = history.toDF("user_id", "a");
        Dataset<Row> b = history.toDF("user_id", "b");
        Dataset<Row> pairs = a.join(b, "user_id").filter(col("a").lt(col("b")))
                .groupBy("a", "b").agg(count(lit(1)).as("support"))
                .filter(col("support").geq(minSupport));
        Dataset<Row> fa = trackFactors.toDF("a", "fa");
        Dataset<Row> fb = trackFactors.toDF("b", "fb");
        Dataset<Row> scored = pairs.join(fa, "a").join(fb, "b")
                .withColumn("score", expr("aggregate(zip_with(fa, fb, (x, y) -> cast(x as double) * y), 0D, (s, v) -> s + v)"
                        + " / (sqrt(aggregate(fa, 0D, (s, v) -> s + cast(v as double) * v))"
                        + " * sqrt(aggregate(fb, 0D, (s, v) -> s + cast(v as double) * v)))"))
                .filter(col("score").isNotNull().and(expr("NOT isnan(score)")))
                .select("a", "b", "score", "support");
        Dataset<Row> both = scored.select(col("a").as("track_id"), col("b").as("similar_track_id"), col("score"), col("support"))
                .union(scored.select(col("b").as("track_id"), col("a").as("similar_track_id"), col("score"), col("support")));
        return both
                .withColumn("rank", row_number().over(Window.partitionBy("track_id")
                        .orderBy(col("score").desc(), col("support").desc(), col("similar_track_id"))))
                .filter(col("rank").leq(topK))
                .select(col("track_id"), col("rank"), col("similar_track_id"), col("score"), col("support").cast("int"));
    }
}
