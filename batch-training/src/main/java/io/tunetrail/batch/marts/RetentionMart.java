package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;

import io.tunetrail.batch.analytics.ListeningEvents;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/**
 * {@code mart_listener_retention}: weekly cohorts of an org's listeners by the ISO week (Monday, UTC) of their first
 * play, and for each week since (0 = the cohort's own week, up to {@link #MAX_WEEK}) how many of them played then and
 * their share of the cohort. Plays are play, complete and skip events, as in {@link ListeningEvents}. A week in which
 * nobody of a cohort played has no row (its share is 0).
 */
public final class RetentionMart {
    /** The last week since the first play that is reported: a quarter. */
    public static final int MAX_WEEK = 12;

    private RetentionMart() {}

    /** From rows with the raw {@code interactions} table's columns. */
    public static Dataset<Row> weekly(Dataset<Row> interactions) {
        Dataset<Row> plays = interactions.filter(ListeningEvents.IS_PLAY)
                .select(col("org_id"), col("user_id"), to_date(date_trunc("week", col("event_time"))).as("week"));
        Dataset<Row> cohorts = plays.groupBy("org_id", "user_id").agg(min("week").as("cohort_week"));
        Dataset<Row> sizes = cohorts.groupBy("org_id", "cohort_week").agg(count_distinct(col("user_id")).as("cohort_size"));
        Dataset<Row> active = plays.join(cohorts, on("org_id", "user_id"))
                .withColumn("week_number", floor(datediff(col("week"), col("cohort_week")).divide(7)).cast("int"))
                .filter(col("week_number").leq(MAX_WEEK))
                .groupBy("org_id", "cohort_week", "week_number").agg(count_distinct(col("user_id")).as("active_listeners"));
        return active.join(sizes, on("org_id", "cohort_week"))
                .select(col("org_id"), col("cohort_week"), col("week_number"), col("cohort_size"), col("active_listeners"),
                        col("active_listeners").divide(col("cohort_size")).as("retention"));
    }

    private static scala.collection.Seq<String> on(String... columns) {
        return JavaConverters.asScalaBuffer(List.of(columns)).toList();
    }
}
