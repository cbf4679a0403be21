package io.tunetrail.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-org chaos scenario as {@code ./tunetrail chaos} runs it, against a stack of this test's own (a fresh
 * database and fresh topics on the shared servers; it kills nothing): it passes, reports its figures, and leaves
 * neither org behind.
 */
class CrossOrgScenarioIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    Path home;

    @Test
    void noRouteWithAnIdServesAnotherOrgAndTheScenarioCleansUp() throws Exception {
        PlatformConfig config = TestStack.withFreshTopics("xorg", Map.of(PlatformConfig.HOME.name(), home.toString(),
                PlatformConfig.POSTGRES_DATABASE.name(), DB.name()));
        KafkaTopics.ensure(config);
        List<String> progress = new ArrayList<>();
        try {
            ChaosScenario scenario = ChaosScenarios.all().stream().filter(s -> s.name().equals("cross-org")).findFirst().orElseThrow();

            ChaosScenario.Outcome outcome = scenario.run(config, progress::add);

            assertThat(outcome.passed()).as(String.join("\n", progress)).isTrue();
            assertThat(outcome.measured()).matches("\\d+ attempts on \\d+ paths: 0 successes, 0 findings");
            assertThat(progress).noneMatch(line -> line.startsWith("FINDING"));
            long orgsLeft;
            try (var c = DB.dataSource().getConnection(); var rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM organisations WHERE org_id LIKE 'chaos-%'")) {
                rs.next();
                orgsLeft = rs.getLong(1);
            }
            assertThat(orgsLeft).as("orgs the scenario left behind").isZero();
        } finally {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()))) {
                admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
