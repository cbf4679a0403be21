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
}
