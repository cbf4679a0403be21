package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.FileTrees;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.StackTestSupport;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 3, 4 and 5 of the fault suite (Redis down, PostgreSQL restarted, Kafka down, each under API load) against
 * a stack of this test's own: its own home under target/ and free ports, so the shared stack other builds use is
 * never stopped. The Redis and PostgreSQL outages are shorter than the verb's; the checks are the same.
 */
class ApiFaultsIT {
    private static Path home;
    private static PlatformConfig config;
    private static LocalStack stack;

    @BeforeAll
    static void privateStack() throws Exception {
        home = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("chaos-it-" + ProcessHandle.current().pid()));
        config = StackTestSupport.config(home);
        stack = new LocalStack(config, line -> System.out.println("[stack] " + line));
        stack.start();
    }

    @AfterAll
    static void stopIt() throws Exception {
        if (stack != null) {
            stack.stop();
            FileTrees.deleteRecursively(home);
        }
    }

    @Test
    void redisDownUnderLoad() throws Exception {
        assertPasses(new RedisOutageScenario(Duration.ofSeconds(6)));
    }

    @Test
    void postgresRestartedUnderLoad() throws Exception {
        assertPasses(new PostgresRestartScenario(Duration.ofSeconds(4)));
    }

    @Test
    void kafkaDownUnderLoad() throws Exception {
        assertPasses(new KafkaOutageScenario());
    }

    private static void assertPasses(ChaosScenario scenario) throws Exception {
        ChaosScenario.Outcome outcome = scenario.run(config, line -> System.out.println("[" + scenario.name() + "] " + line));
        System.out.println("[" + scenario.name() + "] " + outcome);
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(stack.isRunning()).as("the scenario leaves the stack running").isTrue();
    }
}
