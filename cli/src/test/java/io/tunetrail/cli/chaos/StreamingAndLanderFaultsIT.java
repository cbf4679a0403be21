package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming, lander and fuzz scenarios of issue 11 (1, 2, 6 and 7), each run as {@code ./tunetrail chaos} runs it, on
 * the fault tests' private stack ({@link PrivateStack}): the broker it kills is its own, never the shared stack's. Each
 * scenario asserts exact outcomes against ground truth; this test checks that it passed, that its figures say so and
 * that it left the stack running for the next.
 */
class StreamingAndLanderFaultsIT {
    @RegisterExtension
    static final PrivateStack STACK = new PrivateStack();
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void killingTheBrokerUnderTheStreamingJobsLosesAndDoublesNothing() throws Exception {
        ChaosScenario.Outcome outcome = run(new KafkaBrokerKilledScenario(REPOSITORY));
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(outcome.measured()).doesNotContain("DIFFERENCES").contains("broker down");
    }

    @Test
    void killingTheStreamingJvmRestoresTheNewestCheckpointAndLosesAndDoublesNothing() throws Exception {
        ChaosScenario.Outcome outcome = run(new FlinkJobKilledScenario(REPOSITORY));
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(outcome.platformDid()).contains("restored the newest retained checkpoint");
        assertThat(log).anyMatch(l -> l.contains("restoring usage-counters+session-features from the retained checkpoint"));
    }

    @Test
    void aLanderKilledMidRunAndAtTheLedgerEndsLikeACleanRun() throws Exception {
        ChaosScenario.Outcome outcome = run(new LanderKilledScenario(REPOSITORY));
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(log).anyMatch(l -> l.contains("halting after landing, before the ledger"));
    }

    @Test
    void tenThousandFuzzedEventsAreEachAcceptedOrRefusedWithAReason() throws Exception {
        // 5,000 per path keeps CI's 2 cores within budget; ./tunetrail chaos sends 10,000 per path.
        ChaosScenario.Outcome outcome = run(new FuzzedEventsScenario(REPOSITORY, 5_000));
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(outcome.measured()).contains("API: 5,000 sent").contains("+ 0 bad answers").doesNotContain("WRONG");
    }

    private static ChaosScenario.Outcome run(ChaosScenario scenario) throws Exception {
        long t0 = System.nanoTime();
        ChaosScenario.Outcome outcome = scenario.run(STACK.config(), line -> {
            log.add(line);
            System.out.println("[" + scenario.name() + "] " + line);
        });
        System.out.printf("[%s] %s in %.1f s: %s | %s%n", scenario.name(), outcome.passed() ? "PASSED" : "FAILED",
                (System.nanoTime() - t0) / 1e9, outcome.platformDid(), outcome.measured());
        assertThat(STACK.stack().isRunning()).as("the scenario leaves the stack running").isTrue();
        return outcome;
    }
}
