package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.batch.analytics.ListeningEvents;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart_listening_daily}: per org and UTC day, plays, listeners, minutes listened, skips and skip rate, and
 * sessions, counted the way the analytics jobs count them ({@link ListeningEvents}: a skip is a short play; rows
 * weigh by {@code count}).
 */
public final class ListeningMart {
    private ListeningMart() {}

    /** From rows with the raw {@code interactions} table's columns; sessions split at gaps over {@code gapMinutes}. */
    public static Dataset<Row> daily(Dataset<Row> interactions, int gapMinutes) {
        Column w = ListeningEvents.WEIGHT;
        Column play = ListeningEvents.IS_PLAY;
        Dataset<Row> byDay = interactions
                .withColumn("day", to_date(col("event_time")))
                .groupBy("org_id", "day")
                .agg(sum(when(play, w).otherwise(0L)).as("plays"),
                        count_distinct(when(play, col("user_id"))).as("listeners"),
                        sum(when(play, col("played_ms").multiply(w)).otherwise(0L)).divide(60_000.0).as("minutes"),
                        sum(when(col("event_type").equalTo("skip"), w).otherwise(0L)).as("skips"),
                        sum(w).as("events"));
        // A session counts on the day it starts, as the sessions table dates it.
        Dataset<Row> sessions = ListeningEvents.withSessions(interactions, gapMinutes)
                .groupBy("org_id", "user_id", "session_id").agg(min("event_time").as("session_start"))
                .withColumn("day", to_date(col("session_start")))
                .groupBy("org_id", "day").count().withColumnRenamed("count", "sessions");
        return byDay.join(sessions, scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("org_id", "day")).toList(), "left")
                .select(col("org_id"), col("day").as("event_date"), col("plays"), col("listeners"), col("minutes"),
                        col("skips"),
                        when(col("plays").gt(0), col("skips").divide(col("plays"))).as("skip_rate"),
                        coalesce(col("sessions"), lit(0L)).as("sessions"), col("events"));
    }
}
