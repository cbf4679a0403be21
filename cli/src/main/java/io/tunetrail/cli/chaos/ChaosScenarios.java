package io.tunetrail.cli.chaos;

import java.util.List;

/** The scenarios of {@code ./tunetrail chaos}, in the order it runs them. Add a scenario here and nowhere else. */
public final class ChaosScenarios {
    private ChaosScenarios() {}

    public static List<ChaosScenario> all() {
        return List.of(
                new KafkaBrokerKilledScenario(),
                new FlinkJobKilledScenario(),
                new RedisOutageScenario(),
                new PostgresRestartScenario(),
                new KafkaOutageScenario(),
                new LanderKilledScenario(),
                new FuzzedEventsScenario(),
                new CrossOrgScenario());
    }
}
