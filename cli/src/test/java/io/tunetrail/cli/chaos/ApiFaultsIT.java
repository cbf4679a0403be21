package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenarios 3, 4 and 5 of the fault suite (Redis down, PostgreSQL restarted, Kafka down, each under API load) against
 * the fault tests' private stack ({@link PrivateStack}), so the shared stack other builds use is never stopped. The
 * Redis and PostgreSQL outages are shorter than the verb's; the checks are the same.
 */
class ApiFaultsIT {
    @RegisterExtension
    static final PrivateStack STACK = new PrivateStack();

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
        ChaosScenario.Outcome outcome = scenario.run(STACK.config(), line -> System.out.println("[" + scenario.name() + "] " + line));
        System.out.println("[" + scenario.name() + "] " + outcome);
        assertThat(outcome.passed()).as(outcome.measured()).isTrue();
        assertThat(STACK.stack().isRunning()).as("the scenario leaves the stack running").isTrue();
    }
}
