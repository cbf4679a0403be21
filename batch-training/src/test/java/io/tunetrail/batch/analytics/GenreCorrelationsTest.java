package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;

import io.tunetrail.batch.testing.LocalSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenreCorrelationsTest {
    private static SparkSession spark;
    private static Dataset<Row> catalog;
    private static Dataset<Row> interactions;

    @BeforeAll
    static void setUp() {
        spark = LocalSpark.get();
        // Subgenres roll up: t-rock lists alt-rock too but counts as rock only.
        catalog = new Frames.Catalog()
                .track("o1", "t-rock", List.of("rock", "alt-rock"), List.of("rock"), 0.8, 120.0)
                .track("o1", "t-rock2", List.of("alt-rock"), List.of("rock"), 0.8, 120.0)
                .track("o1", "t-pop", List.of("pop"), List.of("pop"), 0.7, 110.0)
                .track("o1", "t-jazz", List.of("jazz"), List.of("jazz"), 0.4, 90.0)
                .frame(spark);
        // Users (baskets): u1 {rock, pop}, u2 {rock, pop}, u3 {rock, jazz}, u4 {jazz}; u4's skip and dislike of pop
        // are not taste. Sessions (30-minute gap): u1#1 {rock}, u1#2 {pop}, u2#1 {rock, pop}, u3#1 {rock, jazz},
        // u4#1 {jazz}.
        interactions = new Frames.Events()
                .add("o1", "u1", "t-rock", "complete", "2026-03-02T10:00:00Z", "none")
                .add("o1", "u1", "t-pop", "like", "2026-03-02T12:00:00Z", "none")
                .add("o1", "u2", "t-rock2", "play", "2026-03-02T10:00:00Z", "none")
                .add("o1", "u2", "t-pop", "add_to_playlist", "2026-03-02T10:25:00Z", "none")
                .add("o1", "u3", "t-rock", "complete", "2026-03-02T10:00:00Z", "none")
                .add("o1", "u3", "t-jazz", "complete", "2026-03-02T10:20:00Z", "none")
                .add("o1", "u4", "t-jazz", "complete", "2026-03-02T10:00:00Z", "none")
                .add("o1", "u4", "t-pop", "skip", "2026-03-02T10:05:00Z", "none")
                .add("o1", "u4", "t-pop", "dislike", "2026-03-02T10:05:10Z", "none")
                .frame(spark);
    }

    @Test
    void countsLiftAndNpmiWithinUsersMatchTheHandComputation() {
        List<Row> rows = new GenreCorrelations(AnalyticsSettings.defaults().withMinPairBaskets(1))
                .compute(interactions, catalog).filter(col("scope").equalTo("user")).collectAsList();

        Row rockPop = pair(rows, "rock", "pop");
        assertThat(rockPop.<Long>getAs("count_ab")).isEqualTo(2);
        assertThat(rockPop.<Long>getAs("count_a")).isEqualTo(3);
        assertThat(rockPop.<Long>getAs("count_b")).isEqualTo(2);
        assertThat(rockPop.<Long>getAs("baskets")).isEqualTo(4);
        // lift = 4 * 2 / (3 * 2); npmi = ln(4/3) / -ln(2/4)
        assertThat(rockPop.<Double>getAs("lift")).isCloseTo(4.0 / 3.0, within(1e-12));
        assertThat(rockPop.<Double>getAs("npmi")).isCloseTo(0.4150374992788437, within(1e-12));

        Row popRock = pair(rows, "pop", "rock");
        assertThat(popRock.<Long>getAs("count_a")).isEqualTo(2);
        assertThat(popRock.<Long>getAs("count_b")).isEqualTo(3);
        assertThat(popRock.<Double>getAs("lift")).isEqualTo(rockPop.<Double>getAs("lift"));

        Row rockJazz = pair(rows, "rock", "jazz");
        assertThat(rockJazz.<Long>getAs("count_ab")).isEqualTo(1);
        assertThat(rockJazz.<Double>getAs("lift")).isCloseTo(4.0 * 1 / (3 * 2), within(1e-12));
        // pop and jazz are never heard together: no pair, and no genre pairs with itself.
        assertThat(rows).noneMatch(r -> r.getAs("genre_a").equals("pop") && r.getAs("genre_b").equals("jazz"));
        assertThat(rows).noneMatch(r -> r.getAs("genre_a").equals(r.getAs("genre_b")));
        assertThat(rows).hasSize(4);
    }

    @Test
    void sessionsSplitAtTheGap() {
        List<Row> rows = new GenreCorrelations(AnalyticsSettings.defaults().withMinPairBaskets(1))
                .compute(interactions, catalog).filter(col("scope").equalTo("session")).collectAsList();

        Row rockPop = pair(rows, "rock", "pop");
        assertThat(rockPop.<Long>getAs("baskets")).isEqualTo(5);
        assertThat(rockPop.<Long>getAs("count_ab")).isEqualTo(1);
        assertThat(rockPop.<Long>getAs("count_a")).isEqualTo(3);
        assertThat(rockPop.<Long>getAs("count_b")).isEqualTo(2);
        assertThat(rockPop.<Double>getAs("lift")).isCloseTo(5.0 / 6.0, within(1e-12));
        assertThat(rockPop.<Double>getAs("npmi")).isCloseTo(-0.11328275255937834, within(1e-12));
    }

    @Test
    void pairsBelowTheSupportThresholdAreDropped() {
        List<Row> rows = new GenreCorrelations(AnalyticsSettings.defaults().withMinPairBaskets(2))
                .compute(interactions, catalog).collectAsList();

        assertThat(rows).extracting(r -> r.getAs("scope") + ":" + r.getAs("genre_a") + "-" + r.getAs("genre_b"))
                .containsExactlyInAnyOrder("user:pop-rock", "user:rock-pop");
    }

    @Test
    void genresAlwaysHeardTogetherHaveNpmiOne() {
        Dataset<Row> both = new Frames.Events()
                .add("o2", "a", "t-rock", "complete", "2026-03-02T10:00:00Z", "none")
                .add("o2", "a", "t-pop", "complete", "2026-03-02T10:03:00Z", "none")
                .add("o2", "b", "t-pop", "complete", "2026-03-02T10:00:00Z", "none")
                .add("o2", "b", "t-rock", "complete", "2026-03-02T10:03:00Z", "none")
                .frame(spark);
        Dataset<Row> cat = new Frames.Catalog()
                .track("o2", "t-rock", List.of("rock"), List.of("rock"), 0.8, 120.0)
                .track("o2", "t-pop", List.of("pop"), List.of("pop"), 0.7, 110.0)
                .frame(spark);

        List<Row> rows = new GenreCorrelations(AnalyticsSettings.defaults().withMinPairBaskets(1)).compute(both, cat).collectAsList();

        assertThat(rows).hasSize(4).allSatisfy(r -> {
            assertThat(r.<Double>getAs("npmi")).isEqualTo(1.0);
            assertThat(r.<Double>getAs("lift")).isEqualTo(1.0);
        });
    }

    private static Row pair(List<Row> rows, String a, String b) {
        return rows.stream().filter(r -> r.getAs("genre_a").equals(a) && r.getAs("genre_b").equals(b)).findFirst()
                .orElseThrow(() -> new AssertionError("no pair " + a + "/" + b + " in " + rows));
    }
}
