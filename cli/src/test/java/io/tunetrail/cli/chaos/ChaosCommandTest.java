package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verb's scenario list and its table. */
class ChaosCommandTest {
    @Test
    void theApiScenariosAreRegistered() {
        assertThat(ChaosScenarios.all()).extracting(ChaosScenario::name).contains("redis-down", "postgres-restart", "kafka-down");
        assertThat(ChaosScenarios.all()).extracting(ChaosScenario::name).doesNotHaveDuplicates();
    }

    @Test
    void theTableHasARowPerScenarioAndEscapesCells() {
        String table = ChaosCommand.table(List.of(
                new ChaosCommand.Row("redis-down", new ChaosScenario.Outcome(true, "degraded | local", "42 ok"), 12.3),
                new ChaosCommand.Row("kafka-down", new ChaosScenario.Outcome(false, "held", "3 lost"), 1)));
        assertThat(table.lines()).hasSize(4);
        assertThat(table).contains("| redis-down | yes (12 s) | degraded \\| local | 42 ok |").contains("| kafka-down | NO (1 s) | held | 3 lost |");
    }
}
