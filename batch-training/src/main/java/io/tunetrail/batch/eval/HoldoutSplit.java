package io.tunetrail.batch.eval;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Splits listener–track pairs into training and held-out parts, per listener, so every evaluated listener has
 * history to learn from.
 *
 * <ul>
 *   <li>{@code stratified}: each listener's tracks in a seeded pseudo-random order (a hash of seed, listener and
 *       track, so the split does not depend on partitioning); the first {@code ceil(ratio * n)} train.</li>
 *   <li>{@code time}: each listener's tracks by their last event time; the earliest {@code ceil(ratio * n)} train,
 *       the latest are held out (ties by track id).</li>
 * </ul>
 * A listener with a single track keeps it in training (nothing to hold out).
 */
public final class HoldoutSplit {
    /** The kinds of split. */
    public enum Kind {
        STRATIFIED, TIME;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown split '" + s + "'; use stratified or time");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final double ratio;
    private final long seed;

    public HoldoutSplit(Kind kind, double ratio, long seed) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("split ratio must lie strictly between 0 and 1, was " + ratio);
        }
        this.kind = kind;
        this.ratio = ratio;
        this.seed = seed;
    }

    public Kind kind() {
        return kind;
    }

    public double ratio() {
        return ratio;
    }

    public long seed() {
        return seed;
    }

    /**
     * Marks each (user_id, track_id) pair of {@code events} (which need {@code user_id, track_id, event_time}) as
     * training or held out: returns {@code user_id, track_id, train (boolean)}.
     */
    public Dataset<Row> pairs(Dataset<Row> events) {
        Dataset<Row> pairs = events.groupBy("user_id", "track_id").agg(max("event_time").as("last_time"));
        Column order = kind == Kind.STRATIFIED
                ? hash(lit(seed), col("user_id"), col("track_id"))
                : col("last_time");
        WindowSpec byUser = Window.partitionBy("user_id").orderBy(order, col("track_id"));
        WindowSpec user = Window.partitionBy("user_id");
        return pairs
                .withColumn("pos", row_number().over(byUser))
                .withColumn("n", count(lit(1)).over(user))
                .withColumn("train", when(col("n").lt(2), lit(true))
                        .otherwise(col("pos").leq(ceil(col("n").multiply(ratio)))))
                .select("user_id", "track_id", "train");
    }
}
