package io.tunetrail.batch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BatchBenchmarkTest {

    @Test
    void growthPerDoublingIsTheTimeRatioSpreadOverTheDoublings() {
        // 1x -> 4x is two doublings: 4 times the time is linear (2.0 per doubling), 16 times quadratic.
        assertEquals(2.0, BatchBenchmark.perDoubling(1, 10_000, 4, 40_000), 1e-9);
        assertEquals(4.0, BatchBenchmark.perDoubling(1, 10_000, 4, 160_000), 1e-9);
        assertEquals(1.0, BatchBenchmark.perDoubling(4, 30_000, 16, 30_000), 1e-9);
        assertEquals(Math.sqrt(3), BatchBenchmark.perDoubling(0.25, 1_000, 1, 3_000), 1e-9);
    }

    @Test
    void scalesBecomeKeySegments() {
        assertEquals("16x", BatchBenchmark.label(16));
        assertEquals("0_25x", BatchBenchmark.label(0.25));
    }
}
