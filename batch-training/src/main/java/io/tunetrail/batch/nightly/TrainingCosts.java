package io.tunetrail.batch.nightly;

import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.store.costs.CostMeter;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cost of one attempt at a custom training request: its measured CPU time ({@link SparkCpuMeter}) recorded for the
 * org as {@code training} ({@link CostMeter}), whatever the attempt's outcome. The standing worker
 * ({@link TrainingJobKind}) and the one-shot drain ({@code train --requests}, {@link TrainingRequests#runQueued}) both
 * meter their attempts here, so the cost cap and its alerts see training however it was run.
 */
final class TrainingCosts {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCosts.class);

    private final SparkCpuMeter cpu;
    private final CostMeter costs;

    TrainingCosts(SparkCpuMeter cpu, CostMeter costs) {
        this.cpu = cpu;
        this.costs = costs;
    }

    /** Runs {@code attemptWork} on this thread, measured, and records its cost once it returned or threw. */
    <T> T metered(String orgId, String requestId, int attempt, Supplier<T> attemptWork) {
        SparkCpuMeter.Measurement measuring = cpu.start("training/" + requestId + "/" + attempt);
        try {
            return attemptWork.get();
        } finally {
            record(orgId, requestId, attempt, measuring);
        }
    }

    /** A failed or cancelled attempt used CPU too, so it is recorded like a successful one. */
    private void record(String orgId, String requestId, int attempt, SparkCpuMeter.Measurement measuring) {
        SparkCpuMeter.Cpu used = measuring.stop();
        try {
            costs.record(new CostMeter.Run(orgId, "training", requestId, attempt, used.executorSeconds(), used.driverSeconds(),
                    Map.of("tag", measuring.tag(), "complete", used.complete())));
        } catch (RuntimeException e) {
            // The training's outcome must not be lost over its cost row; the log keeps the figures to re-enter.
            LOG.error("cost of training request {} of {} (attempt {}) not recorded: executor {} s, driver {} s CPU: {}", requestId, orgId,
                    attempt, used.executorSeconds(), used.driverSeconds(), e.getMessage());
        }
    }
}
