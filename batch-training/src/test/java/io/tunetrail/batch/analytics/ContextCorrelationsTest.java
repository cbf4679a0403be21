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
            // Two listeners work out (a single one would be a single cluster: not reported).
            String athlete = i % 2 == 0 ? "u1" : "u4";
            events.add("o1", athlete, "hi1", "complete", t, "workout")
                    .add("o1", athlete, "hi2", "play", t, "workout")
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
        // Each athlete plays the same mix, so the listeners add no spread: the independent-plays interval is the wider
        // one here and is the one reported.
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

    @Test
    void playsOfOneListenerAreOneClusterSoTheIntervalIsWiderThanForIndependentPlays() {
        SparkSession spark = LocalSpark.get();
        // Each listener plays one track 20 times: 60 workout plays but only three workout listeners (0.9, 0.5, 0.7)
        // against three others (0.6, 0.2, 0.4).
        Frames.Catalog catalog = new Frames.Catalog();
        Frames.Events events = new Frames.Events();
        double[] energies = {0.9, 0.5, 0.7, 0.6, 0.2, 0.4};
        for (int u = 0; u < energies.length; u++) {
            catalog.track("o1", "t" + u, List.of("pop"), List.of("pop"), energies[u], 120.0);
            for (int i = 0; i < 20; i++) {
                events.add("o1", "u" + u, "t" + u, "complete", "2026-03-02T1%d:%02d:00Z".formatted(u, i), u < 3 ? "workout" : "none");
            }
        }
        Row energy = new ContextCorrelations(AnalyticsSettings.defaults().withMinActivityPlays(5))
                .compute(events.frame(spark), catalog.frame(spark)).collectAsList().stream()
                .filter(r -> r.getAs("feature").equals("energy")).findFirst().orElseThrow();

        // By hand: both groups have mean ±0.15 around 0.7 / 0.4 and variance 20·(0.2² + 0.2²)/59; d = 0.3 / s.
        double pooledVar = 1.6 / 59;
        double d = 0.3 / Math.sqrt(pooledVar);
        // Clustered: per group Σ(S_c − n_c·m)² / n² = (4² + 4² + 0²) / 60², no listener in both, G/(G−1) = 6/5.
        double varOfDifference = 6.0 / 5 * 2 * 32.0 / 3600;
        double clusteredSe = Math.sqrt(varOfDifference / pooledVar + d * d / 240);
        double naiveSe = Math.sqrt(120.0 / 3600 + d * d / 240);
        assertThat(energy.<Double>getAs("effect_size")).isCloseTo(d, within(1e-9));
        assertThat(energy.<Double>getAs("ci_low")).isCloseTo(d - 1.959963984540054 * clusteredSe, within(1e-9));
        assertThat(energy.<Double>getAs("ci_high")).isCloseTo(d + 1.959963984540054 * clusteredSe, within(1e-9));
        EffectSize naive = EffectSize.cohensD(60, 0.7, pooledVar, 60, 0.4, pooledVar);
        assertThat(naive.ciHigh() - naive.ciLow()).isCloseTo(2 * 1.959963984540054 * naiveSe, within(1e-9));
        double width = energy.<Double>getAs("ci_high") - energy.<Double>getAs("ci_low");
        assertThat(width).isGreaterThan(4 * (naive.ciHigh() - naive.ciLow()));
        // As 60 independent plays the effect would be pinned above 1.3; as three listeners a side, barely above 0.
        assertThat(naive.ciLow()).isGreaterThan(1.3);
        assertThat(energy.<Double>getAs("ci_low")).isBetween(0.0, 0.2);
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
