package io.tunetrail.batch.marts;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.testing.LocalSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The listening, retention and model quality marts on a handful of rows whose figures are worked out by hand. */
class MartsTest {
    /** The raw interactions' columns the marts read. */
    private static final StructType INTERACTIONS = new StructType().add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("track_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
            .add("played_ms", DataTypes.LongType).add("event_time", DataTypes.TimestampType)
            .add("client_event_id", DataTypes.StringType).add("count", DataTypes.IntegerType);
    private final SparkSession spark = LocalSpark.get();

    @Test
    void listeningPerDayCountsPlaysListenersMinutesSkipsAndSessionsWeighingByCount() {
        Dataset<Row> events = spark.createDataFrame(List.of(
                event("u1", "play", 60_000, "2026-03-01T10:00:00Z", 1),
                event("u1", "skip", 5_000, "2026-03-01T10:05:00Z", 1),
                event("u1", "like", 0, "2026-03-01T10:06:00Z", 1),
                // more than 30 minutes later: a second session
                event("u1", "complete", 120_000, "2026-03-01T12:00:00Z", 1),
                // an aggregated import row standing for two plays
                event("u2", "play", 30_000, "2026-03-01T11:00:00Z", 2),
                event("u1", "play", 60_000, "2026-03-02T00:10:00Z", 1)), INTERACTIONS);

        List<String> days = ListeningMart.daily(events, 30).orderBy("event_date").collectAsList().stream()
                .map(r -> r.getAs("event_date") + " plays " + r.getAs("plays") + " listeners " + r.getAs("listeners")
                        + " minutes " + String.format("%.4f", r.<Double>getAs("minutes")) + " skips " + r.getAs("skips")
                        + " skip_rate " + r.getAs("skip_rate") + " sessions " + r.getAs("sessions") + " events " + r.getAs("events"))
                .toList();

        assertThat(days).containsExactly(
                "2026-03-01 plays 5 listeners 2 minutes 4.0833 skips 1 skip_rate 0.2 sessions 3 events 6",
                "2026-03-02 plays 1 listeners 1 minutes 1.0000 skips 0 skip_rate 0.0 sessions 1 events 1");
    }

    @Test
    void retentionFollowsWeeklyCohortsOfFirstPlays() {
        // Weeks start on Monday: 2026-03-02, 03-09, 03-16. Cohort 03-02: u1, u2, u3 (u1's Sunday 03-08 play is week 0).
        // Week 1: u1 (a skip is a play); u2 only liked, which is not a play. Week 2: u1 and u3.
        // Cohort 03-09: u4, playing again in week 1 (03-16). u5 never played (a like only): in no cohort.
        Dataset<Row> events = spark.createDataFrame(List.of(
                event("u1", "play", 1, "2026-03-02T08:00:00Z", 1),
                event("u1", "play", 1, "2026-03-08T23:59:00Z", 1),
                event("u2", "complete", 1, "2026-03-04T10:00:00Z", 1),
                event("u3", "play", 1, "2026-03-06T10:00:00Z", 1),
                event("u1", "skip", 1, "2026-03-10T10:00:00Z", 1),
                event("u2", "like", 0, "2026-03-11T10:00:00Z", 1),
                event("u1", "play", 1, "2026-03-17T10:00:00Z", 1),
                event("u3", "play", 1, "2026-03-22T23:00:00Z", 1),
                event("u4", "play", 1, "2026-03-09T00:00:00Z", 1),
                event("u4", "play", 1, "2026-03-16T09:00:00Z", 1),
                event("u5", "like", 0, "2026-03-03T10:00:00Z", 1)), INTERACTIONS);

        List<String> rows = RetentionMart.weekly(events).orderBy("cohort_week", "week_number").collectAsList().stream()
                .map(r -> r.getAs("cohort_week") + " +" + r.getAs("week_number") + " " + r.getAs("active_listeners") + "/"
                        + r.getAs("cohort_size") + " " + String.format("%.4f", r.<Double>getAs("retention")))
                .toList();

        assertThat(rows).containsExactly(
                "2026-03-02 +0 3/3 1.0000",
                "2026-03-02 +1 1/3 0.3333",
                "2026-03-02 +2 2/3 0.6667",
                "2026-03-09 +0 1/1 1.0000",
                "2026-03-09 +1 1/1 1.0000");
    }

    @Test
    void modelQualityNamesTheFamilyAndComparesEachEvaluationWithItsOwnBaseline() {
        StructType schema = new StructType().add("org_id", DataTypes.StringType).add("model_version", DataTypes.StringType)
                .add("run_id", DataTypes.StringType).add("recommender", DataTypes.StringType).add("k", DataTypes.IntegerType)
                .add("split", DataTypes.StringType).add("precision", DataTypes.DoubleType).add("recall", DataTypes.DoubleType)
                .add("ndcg", DataTypes.DoubleType).add("map", DataTypes.DoubleType).add("coverage", DataTypes.DoubleType)
                .add("novelty", DataTypes.DoubleType).add("popularity_bias", DataTypes.DoubleType)
                .add("users", DataTypes.IntegerType).add("evaluated_at", DataTypes.TimestampType);
        Dataset<Row> metrics = spark.createDataFrame(List.of(
                metric("a", "1.0", "r1", "als", 0.2, 0.3),
                metric("a", "1.0", "r1", "popularity", 0.1, 0.1),
                // another run of the same version: compared with its own baseline, not r1's
                metric("a", "1.0", "r2", "als", 0.2, 0.3),
                metric("a", "1.0", "r2", "popularity", 0.1, 0.2),
                metric("c", "global-1.0", "r1", "als", 0.2, 0.2),
                metric("c", "global-1.0", "r1", "popularity", 0.0, 0.0)), schema);

        List<String> rows = ModelQualityMart.of(metrics).orderBy("org_id", "run_id", "recommender").collectAsList().stream()
                .map(r -> r.getAs("org_id") + " " + r.getAs("run_id") + " " + r.getAs("model_family") + " "
                        + format(r.getAs("ndcg_vs_baseline")) + " " + format(r.getAs("precision_vs_baseline")) + " "
                        + r.getAs("evaluated_date"))
                .toList();

        assertThat(rows).containsExactly(
                "a r1 als 3.00 2.00 2026-03-01",
                "a r1 popularity 1.00 1.00 2026-03-01",
                "a r2 als 1.50 2.00 2026-03-01",
                "a r2 popularity 1.00 1.00 2026-03-01",
                "c r1 als-global null null 2026-03-01",
                "c r1 popularity null null 2026-03-01");
    }

    private static Row event(String user, String type, long playedMs, String at, int count) {
        return RowFactory.create("org", user, "t", type, playedMs, Timestamp.from(Instant.parse(at)), user + at, count);
    }

    private static Row metric(String org, String version, String run, String recommender, double precision, double ndcg) {
        return RowFactory.create(org, version, run, recommender, 10, "random", precision, 0.5, ndcg, 0.1, 0.4, 3.0, 0.6, 20,
                Timestamp.from(Instant.parse("2026-03-01T03:00:00Z")));
    }

    private static String format(Double d) {
        return d == null ? "null" : String.format("%.2f", d);
    }
}
