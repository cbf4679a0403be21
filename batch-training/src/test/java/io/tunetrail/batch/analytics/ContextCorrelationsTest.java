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

class ContextCorrelationsTest {
    private static List<Row> rows;

    @BeforeAll
    static void compute() {
        SparkSession spark = LocalSpark.get();
        // Planted: workout plays are energetic (0.8 / 0.9), the rest calm (0.3 / 0.4); tempo is the same everywhere.
        Dataset<Row> catalog = new Frames.Catalog()
                .track("o1", "hi1", List.of("edm"), List.of("edm"), 0.8, 120.0)
                .track("o1", "hi2", List.of("edm"), List.of("edm"), 0.9, 120.0)
                .track("o1", "lo1", List.of("folk"), List.of("folk"), 0.3, 120.0)
                .track("o1", "lo2", List.of("folk"), List.of("folk"), 0.4, 120.0)
                .track("o1", "bare", List.of(), List.of(), null, null)
                .frame(spark);
        Frames.Events events = new Frames.Events();
        for (int i = 0; i < 10; i++) {
            String t = "2026-03-02T10:%02d:00Z".formatted(i);
            events.add("o1", "u1", "hi1", "complete", t, "workout")
                    .add("o1", "u1", "hi2", "play", t, "workout")
                    .add("o1", "u2", "lo1", "complete", t, "none")
                    .add("o1", "u2", "lo2", "complete", t, "none")
                    // Skips and tracks without features are not observations.
                    .add("o1", "u1", "lo1", "skip", t, "workout")
                    .add("o1", "u1", "bare", "complete", t, "workout");
        }
        // Three study plays: below the minimum of five, so study is not reported.
        for (int i = 0; i < 3; i++) {
            events.add("o1", "u3", "lo1", "complete", "2026-03-02T11:0%d:00Z".formatted(i), "study");
        }
        AnalyticsSettings settings = AnalyticsSettings.defaults().withMinActivityPlays(5);
        rows = new ContextCorrelations(settings).compute(events.frame(spark), catalog).collectAsList();
    }

    @Test
    void aPlantedActivityAudioRelationIsAFindingWithItsHandComputedEffect() {
        Row energy = row("workout", "energy");

        assertThat(energy.<Long>getAs("n_activity")).isEqualTo(20);
        // The rest: 20 plays of u2 and 3 of the study listener (lo1, 0.3).
        assertThat(energy.<Long>getAs("n_other")).isEqualTo(23);
        assertThat(energy.<Double>getAs("mean_activity")).isCloseTo(0.85, within(1e-12));
        assertThat(energy.<Double>getAs("mean_other")).isCloseTo((10 * 0.3 + 10 * 0.4 + 3 * 0.3) / 23, within(1e-12));
        EffectSize expected = EffectSize.cohensD(20, 0.85, 20 * 0.0025 / 19, 23, 7.9 / 23, variance(23, 7.9, 10 * 0.09 + 10 * 0.16 + 3 * 0.09));
        assertThat(energy.<Double>getAs("effect_size")).isCloseTo(expected.d(), within(1e-9)).isGreaterThan(5);
        assertThat(energy.<Double>getAs("ci_low")).isGreaterThan(0).isCloseTo(expected.ciLow(), within(1e-9));
        assertThat(energy.<Boolean>getAs("finding")).isTrue();
    }

    @Test
    void aFeatureThatDoesNotDifferIsNoFinding() {
        Row tempo = row("workout", "tempo");

        assertThat(tempo.<Double>getAs("effect_size")).isZero();
        assertThat(tempo.<Boolean>getAs("finding")).isFalse();
    }

    @Test
    void everyFeatureOfEveryActivityWithEnoughPlaysAndNothingElse() {
        assertThat(rows).extracting(r -> r.<String>getAs("activity")).containsOnly("workout");
        assertThat(rows).extracting(r -> r.<String>getAs("feature"))
                .containsExactlyInAnyOrderElementsOf(ContextCorrelations.FEATURES);
        assertThat(rows).allSatisfy(r -> assertThat(r.<Double>getAs("ci_low"))
                .isLessThanOrEqualTo(r.getAs("effect_size")));
    }

    /** Sample variance from n, Σx and Σx². */
    private static double variance(double n, double sx, double sxx) {
        return (sxx - sx * sx / n) / (n - 1);
    }

    private static Row row(String activity, String feature) {
        return rows.stream().filter(r -> r.getAs("activity").equals(activity) && r.getAs("feature").equals(feature))
                .findFirst().orElseThrow(() -> new AssertionError("no " + activity + "/" + feature + " in " + rows));
    }
}
