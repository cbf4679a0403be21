package io.tunetrail.cli;

import static io.tunetrail.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code ./tunetrail chaos} refuses what it cannot run with one line and exit 2, before it looks at any stack (these
 * tests must never reach the shared stack: every case here fails before the stack check).
 */
class ChaosVerbTest {
    @Test
    void anUnknownScenarioIsAUsageErrorOfOneLine() {
        Object[] result = run("chaos", "--only", "redis-down,meteor-strike");
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("meteor-strike").contains("redis-down").contains("postgres-restart");
        assertThat(((String) result[1]).lines().count()).as("one line").isEqualTo(1);
    }

    @Test
    void anUnknownArgumentIsAUsageErrorOfOneLine() {
        Object[] result = run("chaos", "--frobnicate");
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("--frobnicate");
        assertThat(((String) result[1]).lines().count()).as("one line").isEqualTo(1);
    }
}
