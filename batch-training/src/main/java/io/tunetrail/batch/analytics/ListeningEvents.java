package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * What the analytics jobs count as which kind of event, and listening sessions derived from the raw interactions.
 *
 * <p>Input rows have the raw {@code interactions} table's columns (schemas/offline-store.yaml): at least
 * {@code org_id, user_id, track_id, event_type, played_ms, event_time, context.activity, count}. {@code count} is how
 * many identical events a row stands for (aggregated imports), so every sum here weighs rows by it.
 */
public final class ListeningEvents {
    /** Events that are plays of a track (a skip is a short play); likes and playlist adds are not plays. */
    public static final Column IS_PLAY = col("event_type").isin("play", "complete", "skip");
    /** Plays the listener did not cut short. */
    public static final Column IS_LISTENED = col("event_type").isin("play", "complete");
    /** Events that say the listener wanted the track: listened, liked or added to a playlist. */
    public static final Column IS_POSITIVE = col("event_type").isin("play", "complete", "like", "add_to_playlist");
    /** The row's weight: how many events it stands for. */
    public static final Column WEIGHT = coalesce(col("count"), lit(1)).cast("long");

    /** The interactions columns the analytics jobs read. */
    static final String[] COLUMNS = {"org_id", "user_id", "track_id", "event_type", "played_ms", "event_time", "context",
        "client_event_id", "count"};

    private ListeningEvents() {}

    /**
     * The columns the analytics jobs read, cached: a job scans the events several times (per output, per level), and
     * scanning the Delta table's many small date partitions each time costs more than keeping these columns.
     * The caller unpersists.
     */
    public static Dataset<Row> cached(Dataset<Row> interactions) {
        return interactions.select(COLUMNS[0], Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Adds {@code session_id}: a listener's events in time order, with a new session wherever the gap to the previous
     * event exceeds {@code gapMinutes} (the streaming session window uses the same rule). The id is
     * {@code <user_id>#<n>}, n counting the listener's sessions from 1; unique within an org.
     */
    public static Dataset<Row> withSessions(Dataset<Row> interactions, int gapMinutes) {
        WindowSpec byUser = Window.partitionBy("org_id", "user_id").orderBy(col("event_time"), col("client_event_id"));
        Column seconds = col("event_time").cast("long");
        Column gap = seconds.minus(lag(seconds, 1).over(byUser));
        Column starts = when(gap.isNull().or(gap.gt(gapMinutes * 60L)), 1).otherwise(0);
        return interactions
                .withColumn("_starts", starts)
                .withColumn("session_id", concat_ws("#", col("user_id"),
                        sum(col("_starts")).over(byUser.rowsBetween(Window.unboundedPreceding(), Window.currentRow()))
                                .cast("string")))
                .drop("_starts");
    }
}
