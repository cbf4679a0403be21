package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.FileTrees;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.StackTestSupport;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streaming, lander and fuzz scenarios of issue 11 (1, 2, 6 and 7), each run as {@code ./tunetrail chaos} runs it, on a
 * private stack of this test's own (home under {@code target/}, free ports): the broker it kills is its own, never the
 * shared stack's. Each scenario asserts exact outcomes against ground truth; this test checks that it passed and that
 * its figures say so.
 */
class StreamingAndLanderFaultsIT {
    private static Path home;
    private static PlatformConfig config;
    private static LocalStack stack;
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void privateStack() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        // Traversable by the postgres OS user, which runs the cluster when the tests run as root.
        home = Files.createTempDirectory(target, "chaos-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        config = StackTestSupport.config(home);
        stack = new LocalStack(config, line -> System.out.println("[chaos stack] " + line));
        stack.start();
    }

    @AfterAll
    static void stopPrivateStack() throws Exception {
        if (stack != null) {
            stack.stop();
            FileTrees.deleteRecursively(home);
        }
    }

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
        ChaosScenario.Outcome outcome = scenario.run(config, line -> {
            log.add(line);
            System.out.println("[" + scenario.name() + "] " + line);
        });
        System.out.printf("[%s] %s in %.1f s: %s | %s%n", scenario.name(), outcome.passed() ? "PASSED" : "FAILED",
                (System.nanoTime() - t0) / 1e9, outcome.platformDid(), outcome.measured());
        return outcome;
    }
}
