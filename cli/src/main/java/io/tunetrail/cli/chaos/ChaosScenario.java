package io.tunetrail.cli.chaos;

import io.tunetrail.model.PlatformConfig;
import java.util.function.Consumer;

/**
 * One fault or abuse scenario of {@code ./tunetrail chaos}: it breaks a real part of a running stack (kills a broker,
 * stops Redis, sends hostile input), lets the platform recover, and compares what came out with the ground truth.
 *
 * <p>The same class runs from the chaos verb against the stack that {@code config} points at and from an integration
 * test against a private stack of its own (a home and ports no other test uses), so the suite never disturbs the
 * shared stack.
 */
public interface ChaosScenario {

    /** A short, stable name: what {@code ./tunetrail chaos --only NAME} selects and the table's first column. */
    String name();

    /** One line: what is broken and what the platform is expected to do. */
    String description();

    /** Runs the scenario against the stack {@code config} points at, reporting progress one line at a time. */
    Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception;

    /**
     * What a run found.
     *
     * @param passed whether every assertion of the scenario held
     * @param platformDid what the platform did under the fault, in one line (the README's failure-modes table)
     * @param measured the figures the run measured, in one line (counts against ground truth, latencies)
     */
    record Outcome(boolean passed, String platformDid, String measured) {}
}
