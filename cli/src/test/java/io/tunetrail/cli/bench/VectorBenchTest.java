package io.tunetrail.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorBenchTest {

    @Test
    void recallCountsTheShareOfTheExactTopKFoundInAnyOrder() {
        List<long[]> exact = List.of(new long[] {1, 2, 3, 4}, new long[] {5, 6, 7, 8});
        List<long[]> approximate = List.of(new long[] {4, 3, 2, 1}, new long[] {5, 9, 10, 11});
        assertThat(VectorBenchCommand.recallAtK(exact, approximate)).isCloseTo((1.0 + 0.25) / 2, within(1e-12));
    }

    @Test
    void recallOfAShortApproximateAnswerCountsTheMissingAsMisses() {
        assertThat(VectorBenchCommand.recallAtK(List.of(new long[] {1, 2}), List.of(new long[] {2})))
                .isCloseTo(0.5, within(1e-12));
    }

    @Test
    void generatedVectorsAreUnitLength() {
        SplittableRandom random = new SplittableRandom(1);
        float[][] centres = {{1, 0, 0}, {0, 1, 0}};
        for (float[] v : VectorBenchCommand.around(random, centres, 50, 3)) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
        }
    }
}
