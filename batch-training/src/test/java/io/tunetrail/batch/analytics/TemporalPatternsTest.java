package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TemporalPatternsTest {
    private static TemporalPatterns.Result result;

    @BeforeAll
    static void compute() {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> catalog = new Frames.Catalog()
                .track("o1", "t-rock", List.of("rock", "alt-rock"), List.of("rock"), 0.8, 120.0)
                .track("o1", "t-both", List.of("rock", "pop"), List.of("pop", "rock"), 0.7, 110.0)
                .frame(spark);
        // 2026-03-02 is a Monday (ISO 1), 2026-03-01 a Sunday (ISO 7).
        Dataset<Row> interactions = new Frames.Events()
                .add("o1", "u1", "t-rock", "complete", "2026-03-02T20:10:00Z", "none", 180_000L, 1)
                .add("o1", "u1", "t-rock", "skip", "2026-03-02T20:20:00Z", "none", 6_000L, 1)
                .add("o1", "u1", "t-both", "complete", "2026-03-01T08:00:00Z", "none", 240_000L, 2)
                // A like is not a play: it counts nowhere.
                .add("o1", "u1", "t-both", "like", "2026-03-01T08:01:00Z", "none", 60_000L, 1)
                .add("o1", "u2", "t-rock", "play", "2026-02-27T20:30:00Z", "none", 60_000L, 1)
                .frame(spark);
        result = new TemporalPatterns().compute(interactions, catalog);
    }

    @Test
    void profilesCountPlaysPerWeekdayAndHourAndSumToOne() {
        List<Row> u1 = result.profiles().filter(col("user_id").equalTo("u1")).orderBy("day_of_week", "hour_of_day").collectAsList();

        assertThat(u1).extracting(r -> r.getAs("day_of_week") + "@" + r.getAs("hour_of_day") + "=" + r.getAs("plays"))
                .containsExactly("1@20=2", "7@8=2");
        assertThat(u1.get(0).<Double>getAs("minutes")).isCloseTo((180_000 + 6_000) / 60_000.0, within(1e-9));
        assertThat(u1.get(1).<Double>getAs("minutes")).isCloseTo(2 * 240_000 / 60_000.0, within(1e-9));
        assertThat(u1.get(0).<Double>getAs("share")).isEqualTo(0.5);

        // Every profile (each listener's and the org's) sums to 1.
        result.profiles().groupBy("org_id", "user_id").agg(sum("share").as("total")).collectAsList()
                .forEach(r -> assertThat(r.<Double>getAs("total")).as(r.toString()).isCloseTo(1.0, within(1e-12)));
        Row org = result.profiles().filter(col("user_id").equalTo("").and(col("day_of_week").equalTo(1))).first();
        assertThat(org.<Long>getAs("plays")).isEqualTo(2);
        assertThat(org.<Double>getAs("share")).isCloseTo(2.0 / 5.0, within(1e-12));
    }

    @Test
    void peakHoursRankTheBusiestHours() {
        List<Row> org = result.peaks().filter(col("user_id").equalTo("")).orderBy("rank").collectAsList();
        // Hour 20: 2 plays of u1 + 1 of u2; hour 8: 2 (one row of count 2).
        assertThat(org).extracting(r -> r.getAs("rank") + ":" + r.getAs("hour_of_day") + "=" + r.getAs("plays"))
                .containsExactly("1:20=3", "2:8=2");
        assertThat(org.get(0).<Double>getAs("share")).isCloseTo(0.6, within(1e-12));
        List<Row> u1 = result.peaks().filter(col("user_id").equalTo("u1")).orderBy("rank").collectAsList();
        // A tie goes to the earlier hour.
        assertThat(u1).extracting(r -> r.<Short>getAs("hour_of_day")).containsExactly((short) 8, (short) 20);
    }

    @Test
    void monthlyTrendsPerOrgAndPerTopLevelGenre() {
        List<Row> rows = result.monthly().orderBy("month", "genre_id").collectAsList();

        assertThat(rows).extracting(r -> r.getAs("month") + "/" + r.getAs("genre_id") + ": " + r.getAs("plays") + " plays, "
                        + r.getAs("listeners") + " listeners")
                .containsExactly(
                        "2026-02-01/: 1 plays, 1 listeners",
                        "2026-02-01/rock: 1 plays, 1 listeners",
                        "2026-03-01/: 4 plays, 1 listeners",
                        "2026-03-01/pop: 2 plays, 1 listeners",
                        "2026-03-01/rock: 4 plays, 1 listeners");
        assertThat(rows.get(2).<Double>getAs("minutes")).isCloseTo((180_000 + 6_000 + 480_000) / 60_000.0, within(1e-9));
    }

    @Test
    void seasonalProfilesCountPlaysPerMonthOfTheYear() {
        List<Row> org = result.seasonal().filter(col("user_id").equalTo("")).orderBy("month_of_year").collectAsList();
        // February: u2's one play; March: u1's 4.
        assertThat(org).extracting(r -> r.getAs("month_of_year") + "=" + r.getAs("plays")).containsExactly("2=1", "3=4");
        assertThat(org.get(0).<Double>getAs("share")).isCloseTo(0.2, within(1e-12));
        Row u1 = result.seasonal().filter(col("user_id").equalTo("u1")).first();
        assertThat(u1.<Short>getAs("month_of_year")).isEqualTo((short) 3);
        assertThat(u1.<Double>getAs("share")).isEqualTo(1.0);
        assertThat(u1.<Double>getAs("minutes")).isCloseTo((180_000 + 6_000 + 480_000) / 60_000.0, within(1e-9));
    }

    @Test
    void aListenersWrappedHasTheirMonthsAndTheirMostPlayedTracksAndGenres() {
        List<Row> months = result.listenerMonthly().orderBy("user_id", "month").collectAsList();
        assertThat(months).extracting(r -> r.getAs("user_id") + "@" + r.getAs("month") + ": " + r.getAs("plays") + " plays, "
                + r.getAs("tracks") + " tracks").containsExactly("u1@2026-03-01: 4 plays, 2 tracks", "u2@2026-02-01: 1 plays, 1 tracks");

        List<Row> u1 = result.listenerTop().filter(col("user_id").equalTo("u1")).orderBy("kind", "rank").collectAsList();
        // Tracks tie on plays (2 each): the one with more minutes first. Genres: rock has both tracks, pop one.
        assertThat(u1).extracting(r -> r.getAs("year") + " " + r.getAs("kind") + " " + r.getAs("rank") + ":" + r.getAs("item_id") + "="
                + r.getAs("plays")).containsExactly("2026 genre 1:rock=4", "2026 genre 2:pop=2", "2026 track 1:t-both=2", "2026 track 2:t-rock=2");
        assertThat(result.listenerTop().filter(col("user_id").equalTo("u2")).count()).isEqualTo(2);
    }

    @Test
    void topTracksCountPlaysOverEachTimeRangeBeforeTheOrgsNewestPlay() {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> catalog = new Frames.Catalog().track("o1", "t-new", List.of("pop"), List.of("pop"), 0.5, 100.0).frame(spark);
        Dataset<Row> interactions = new Frames.Events()
                .add("o1", "u1", "t-old", "play", "2025-06-01T10:00:00Z", "none", 60_000L, 5)
                .add("o1", "u1", "t-mid", "play", "2025-12-15T10:00:00Z", "none", 60_000L, 1)
                .add("o1", "u2", "t-new", "play", "2026-03-01T10:00:00Z", "none", 60_000L, 1)
                .add("o1", "u3", "t-new", "complete", "2026-03-02T10:00:00Z", "none", 60_000L, 1)
                .add("o1", "u1", "t-tie", "play", "2026-03-02T12:00:00Z", "none", 60_000L, 2)
                // Not a play: counts nowhere, and does not move as_of.
                .add("o1", "u1", "t-mid", "like", "2026-03-05T12:00:00Z", "none", 0L, 1)
                // Another org's window ends at its own newest play.
                .add("o2", "u9", "t-x", "play", "2024-01-01T00:00:00Z", "none", 60_000L, 1)
                .frame(spark);
        Dataset<Row> top = new TemporalPatterns().compute(interactions, catalog).topTracks();

        assertThat(ranking(top, "o1", "short_term")).containsExactly("1:t-new=2/2", "2:t-tie=2/1");
        assertThat(ranking(top, "o1", "medium_term")).containsExactly("1:t-new=2/2", "2:t-tie=2/1", "3:t-mid=1/1");
        assertThat(ranking(top, "o1", "long_term")).containsExactly("1:t-old=5/1", "2:t-new=2/2", "3:t-tie=2/1", "4:t-mid=1/1");
        assertThat(ranking(top, "o2", "short_term")).containsExactly("1:t-x=1/1");
        assertThat(top.filter(col("org_id").equalTo("o1")).select("as_of").distinct().collectAsList())
                .extracting(r -> r.getTimestamp(0).toInstant().toString()).containsExactly("2026-03-02T12:00:00Z");
    }

    private static List<String> ranking(Dataset<Row> top, String org, String range) {
        return top.filter(col("org_id").equalTo(org).and(col("time_range").equalTo(range))).orderBy("rank").collectAsList().stream()
                .map(r -> r.getAs("rank") + ":" + r.getAs("track_id") + "=" + r.getAs("plays") + "/" + r.getAs("listeners")).toList();
    }
}
