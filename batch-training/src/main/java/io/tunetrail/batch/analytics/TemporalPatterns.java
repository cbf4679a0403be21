package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.year;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Job 5, temporal-patterns: when listening happens. Times are UTC (an org's local habits show shifted by its offset).
 *
 * <p>Counted events are plays ({@link ListeningEvents#IS_PLAY}: skips are short plays and are listening time too);
 * minutes are {@code played_ms} of those plays. Three outputs:
 * <ul>
 *   <li>{@link Result#profiles()}: hour-of-day × day-of-week (ISO, 1 = Monday) per listener and per org
 *       ({@code user_id} empty), cells with plays only; {@code share} = the cell's plays / the profile's plays, so a
 *       profile's shares sum to 1. Columns {@code org_id, user_id, day_of_week, hour_of_day, plays, minutes, share}.
 *   <li>{@link Result#monthly()}: plays, distinct listeners and minutes per calendar month, for the org
 *       ({@code genre_id} empty) and per top-level genre (a track with two top-level genres counts in both).
 *       Columns {@code org_id, month, genre_id, plays, listeners, minutes}.
 *   <li>{@link Result#peaks()}: the three busiest hours of the day (over all weekdays) per listener and per org, rank
 *       1 the busiest, ties to the earlier hour. Columns {@code org_id, user_id, rank, hour_of_day, plays, share}.
 *   <li>{@link Result#topTracks()}: the org's {@value #TOP_TRACKS} most played tracks over each of Spotify's time
 *       ranges before {@code as_of}, the org's newest play: {@code short_term} 28 days, {@code medium_term} 182 days,
 *       {@code long_term} all; ranked by plays, then listeners, then track id. Anchored on the newest play rather than
 *       the clock so that a replayed or historical data set has a recent window too. Columns
 *       {@code org_id, time_range, rank, track_id, plays, listeners, as_of}.
 *   <li>{@link Result#seasonal()}: plays and minutes per month of the year (1..12, all years together) per listener and
 *       per org ({@code user_id} empty); {@code share} as in the profiles. Seasons are sums of three of these months,
 *       made where they are read (which months make a season depends on the hemisphere, which the data does not know).
 *       Columns {@code org_id, user_id, month_of_year, plays, minutes, share}.
 *   <li>{@link Result#listenerMonthly()}: each listener's plays, minutes and distinct tracks per calendar month: a
 *       listener's Wrapped. Columns {@code org_id, user_id, month, plays, minutes, tracks}.
 *   <li>{@link Result#listenerTop()}: each listener's {@value #LISTENER_TOP} most played tracks and top-level genres per
 *       calendar year, ranked by plays, then minutes, then id. Columns
 *       {@code org_id, user_id, year, kind (track | genre), rank, item_id, plays, minutes}.
 * </ul>
 */
public final class TemporalPatterns {
    static final int PEAKS = 3;
    static final int TOP_TRACKS = 100;
    static final int LISTENER_TOP = 5;
    /** Spotify's time ranges and their length in days (0: all). */
    static final Map<String, Integer> TIME_RANGES = Map.of("short_term", 28, "medium_term", 182, "long_term", 0);

    /** The outputs; see the class comment for their columns. */
    public record Result(Dataset<Row> profiles, Dataset<Row> monthly, Dataset<Row> peaks, Dataset<Row> topTracks, Dataset<Row> seasonal,
            Dataset<Row> listenerMonthly, Dataset<Row> listenerTop) {}

    /**
     * @param interactions raw interactions (see {@link ListeningEvents})
     * @param catalogTracks the catalog tracks: {@code org_id, track_id, top_genre_ids} ({@link TopGenres#withTopGenres})
     */
    public Result compute(Dataset<Row> interactions, Dataset<Row> catalogTracks) {
        Dataset<Row> plays = interactions.filter(ListeningEvents.IS_PLAY).select(col("org_id"), col("user_id"),
                col("track_id"), col("event_time"), ListeningEvents.WEIGHT.as("w"),
                col("played_ms").multiply(ListeningEvents.WEIGHT).divide(60_000.0).as("m"));
        return new Result(profiles(plays), monthly(plays, catalogTracks), peaks(plays), topTracks(plays), seasonal(plays),
                listenerMonthly(plays), listenerTop(plays, catalogTracks));
    }

    private static Dataset<Row> profiles(Dataset<Row> plays) {
        // Spark's dayofweek is 1 = Sunday .. 7 = Saturday; ISO is 1 = Monday .. 7 = Sunday.
        Column isoDay = dayofweek(col("event_time")).plus(5).mod(7).plus(1);
        Dataset<Row> cells = plays.select(col("org_id"), col("user_id"), isoDay.as("day_of_week"),
                hour(col("event_time")).as("hour_of_day"), col("w"), col("m"));
        Dataset<Row> perUser = cells.groupBy("org_id", "user_id", "day_of_week", "hour_of_day")
                .agg(sum("w").as("plays"), sum("m").as("minutes"));
        Dataset<Row> perOrg = cells.groupBy("org_id", "day_of_week", "hour_of_day")
                .agg(sum("w").as("plays"), sum("m").as("minutes"))
                .select(col("org_id"), lit("").as("user_id"), col("day_of_week"), col("hour_of_day"), col("plays"),
                        col("minutes"));
        Dataset<Row> all = perUser.unionByName(perOrg);
        Column total = sum("plays").over(Window.partitionBy("org_id", "user_id"));
        return all.withColumn("share", col("plays").divide(total))
                .select(col("org_id"), col("user_id"), col("day_of_week").cast("short"), col("hour_of_day").cast("short"),
                        col("plays"), col("minutes"), col("share"));
    }

    private static Dataset<Row> monthly(Dataset<Row> plays, Dataset<Row> catalogTracks) {
        Dataset<Row> months = plays.withColumn("month", trunc(to_date(col("event_time")), "month"));
        Dataset<Row> org = months.groupBy("org_id", "month")
                .agg(sum("w").as("plays"), countDistinct("user_id").as("listeners"), sum("m").as("minutes"))
                .withColumn("genre_id", lit(""));
        Dataset<Row> genres = catalogTracks.select(col("org_id"), col("track_id"), explode(col("top_genre_ids")).as("genre_id"));
        Dataset<Row> perGenre = months.join(genres, new String[] {"org_id", "track_id"})
                .groupBy("org_id", "month", "genre_id")
                .agg(sum("w").as("plays"), countDistinct("user_id").as("listeners"), sum("m").as("minutes"));
        return org.unionByName(perGenre).select("org_id", "month", "genre_id", "plays", "listeners", "minutes");
    }

    private static Dataset<Row> peaks(Dataset<Row> plays) {
        Dataset<Row> hours = plays.withColumn("hour_of_day", hour(col("event_time")));
        Dataset<Row> perUser = hours.groupBy("org_id", "user_id", "hour_of_day").agg(sum("w").as("plays"));
        Dataset<Row> perOrg = hours.groupBy("org_id", "hour_of_day").agg(sum("w").as("plays"))
                .select(col("org_id"), lit("").as("user_id"), col("hour_of_day"), col("plays"));
        Dataset<Row> all = perUser.unionByName(perOrg);
        Column total = sum("plays").over(Window.partitionBy("org_id", "user_id"));
        Column rank = row_number().over(Window.partitionBy("org_id", "user_id")
                .orderBy(col("plays").desc(), col("hour_of_day").asc()));
        return all.withColumn("share", col("plays").divide(total)).withColumn("rank", rank)
                .filter(col("rank").leq(PEAKS))
                .select(col("org_id"), col("user_id"), col("rank").cast("short"), col("hour_of_day").cast("short"),
                        col("plays"), col("share"));
    }

    private static Dataset<Row> topTracks(Dataset<Row> plays) {
        // A join, not a window over the org: a window would hold each org's plays in one task (out of memory at 16x).
        Dataset<Row> newest = plays.groupBy("org_id").agg(max("event_time").as("as_of"));
        Dataset<Row> anchored = plays.join(broadcast(newest), "org_id");
        Dataset<Row> ranges = null;
        for (Map.Entry<String, Integer> range : TIME_RANGES.entrySet()) {
            Dataset<Row> within = range.getValue() == 0 ? anchored
                    : anchored.filter(col("event_time").gt(expr("as_of - INTERVAL " + range.getValue() + " DAYS")));
            Dataset<Row> counted = within.groupBy("org_id", "as_of", "track_id")
                    .agg(sum("w").as("plays"), countDistinct("user_id").as("listeners"))
                    .withColumn("time_range", lit(range.getKey()));
            ranges = ranges == null ? counted : ranges.unionByName(counted);
        }
        Column rank = row_number().over(Window.partitionBy("org_id", "time_range")
                .orderBy(col("plays").desc(), col("listeners").desc(), col("track_id").asc()));
        return ranges.withColumn("rank", rank).filter(col("rank").leq(TOP_TRACKS))
                .select(col("org_id"), col("time_range"), col("rank"), col("track_id"), col("plays").cast("long"),
                        col("listeners"), col("as_of"));
    }

    private static Dataset<Row> seasonal(Dataset<Row> plays) {
        Dataset<Row> months = plays.withColumn("month_of_year", month(col("event_time")));
        Dataset<Row> perUser = months.groupBy("org_id", "user_id", "month_of_year").agg(sum("w").as("plays"), sum("m").as("minutes"));
        Dataset<Row> perOrg = months.groupBy("org_id", "month_of_year").agg(sum("w").as("plays"), sum("m").as("minutes"))
                .select(col("org_id"), lit("").as("user_id"), col("month_of_year"), col("plays"), col("minutes"));
        Column total = sum("plays").over(Window.partitionBy("org_id", "user_id"));
        return perUser.unionByName(perOrg).withColumn("share", col("plays").divide(total))
                .select(col("org_id"), col("user_id"), col("month_of_year").cast("short"), col("plays"), col("minutes"), col("share"));
    }

    private static Dataset<Row> listenerMonthly(Dataset<Row> plays) {
        return plays.withColumn("month", trunc(to_date(col("event_time")), "month"))
                .groupBy("org_id", "user_id", "month")
                .agg(sum("w").as("plays"), sum("m").as("minutes"), countDistinct("track_id").as("tracks"))
                .select("org_id", "user_id", "month", "plays", "minutes", "tracks");
    }

    private static Dataset<Row> listenerTop(Dataset<Row> plays, Dataset<Row> catalogTracks) {
        Dataset<Row> years = plays.withColumn("year", year(col("event_time")));
        Dataset<Row> tracks = years.groupBy("org_id", "user_id", "year", "track_id")
                .agg(sum("w").as("plays"), sum("m").as("minutes"))
                .select(col("org_id"), col("user_id"), col("year"), lit("track").as("kind"), col("track_id").as("item_id"), col("plays"),
                        col("minutes"));
        Dataset<Row> genres = catalogTracks.select(col("org_id"), col("track_id"), explode(col("top_genre_ids")).as("genre_id"));
        Dataset<Row> perGenre = years.join(genres, new String[] {"org_id", "track_id"})
                .groupBy("org_id", "user_id", "year", "genre_id")
                .agg(sum("w").as("plays"), sum("m").as("minutes"))
                .select(col("org_id"), col("user_id"), col("year"), lit("genre").as("kind"), col("genre_id").as("item_id"), col("plays"),
                        col("minutes"));
        Column rank = row_number().over(Window.partitionBy("org_id", "user_id", "year", "kind")
                .orderBy(col("plays").desc(), col("minutes").desc(), col("item_id").asc()));
        return tracks.unionByName(perGenre).withColumn("rank", rank).filter(col("rank").leq(LISTENER_TOP))
                .select(col("org_id"), col("user_id"), col("year").cast("short"), col("kind"), col("rank").cast("short"), col("item_id"),
                        col("plays"), col("minutes"));
    }
}
