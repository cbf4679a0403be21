package io.tunetrail.cli.bench;

import java.util.List;

/**
 * The soak's pass criteria over its per-minute figures: no failed request at all, and a flat heap (the used heap after
 * a full GC at the end of the last minute within 10% of the same figure after the second; the first minute is
 * warm-up: JIT, caches and pools still filling).
 */
record SoakVerdict(long errors, double heapLastOverSecondRatio, double p99LastOverSecondRatio, boolean pass) {
    static final double HEAP_TOLERANCE = 0.10;

    /** One minute of the soak. */
    record Minute(long requests, long errors, double p50Millis, double p99Millis, long heapAfterGcBytes) {}

    static SoakVerdict of(List<Minute> minutes) {
        if (minutes.size() < 2) {
            throw new IllegalArgumentException("a soak needs at least 2 minutes to compare the heap, got " + minutes.size());
        }
        long errors = minutes.stream().mapToLong(Minute::errors).sum();
        Minute second = minutes.get(1);
        Minute last = minutes.get(minutes.size() - 1);
        double heapRatio = (double) last.heapAfterGcBytes() / second.heapAfterGcBytes();
        double p99Ratio = last.p99Millis() / second.p99Millis();
        return new SoakVerdict(errors, heapRatio, p99Ratio, errors == 0 && heapRatio <= 1 + HEAP_TOLERANCE);
    }
}
