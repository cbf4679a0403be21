package io.tunetrail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.data.LoadSummary;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.kafka.TopicInspector;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo's data and summary stages against the real stack, isolated from the user's demo data: a fresh database,
 * fresh topics and a home directory of its own. (Setup and stack stages are covered by the setup and stack tests.)
 */
class DemoIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    Path home;

    private PlatformConfig config;

    @BeforeEach
    void isolatedConfig() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(PlatformConfig.HOME.name(), home.toString());
        overrides.put(PlatformConfig.POSTGRES_DATABASE.name(), DB.name());
        config = TestStack.withFreshTopics("demo", overrides);
    }

    @AfterEach
    void deleteTopics() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            // Only those a test created: the cluster test submits nothing, so it creates none.
            java.util.Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(KafkaTopics.names(config).stream().filter(existing::contains).toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    private DemoContext context(ByteArrayOutputStream out, String... args) {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs(args);
        // Failsafe runs in the cli module's directory; the job jars are in its siblings' target/.
        Path repository = Path.of("").toAbsolutePath().getParent();
        return new DemoContext(config, repository, command.dataset, command.dataDir, command.data, command.reload, command.cluster,
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void withClusterTheClustersStartFirstAndTheJobsAreSubmittedThere() {
        assertThat(DemoCommand.stages(true)).extracting(DemoStage::name)
                .containsExactly("setup", "stack", "cluster", "data", "stream", "land", "train", "summary", "serve");
        assertThat(DemoCommand.stages(false)).extracting(DemoStage::name).doesNotContain("cluster");
        // No cluster runs in this test's home: a stage that submits there says so in one line instead of running locally.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoContext onCluster = context(out, "--cluster", "--scale", "0.02", "--end", "2026-11-01");
        assertThat(onCluster.cluster()).isTrue();
        assertThatThrownBy(() -> new LandStage().run(onCluster)).isInstanceOf(CliError.class)
                .hasMessageContaining("local Spark cluster is not running");
        assertThatThrownBy(() -> new StreamStage().run(onCluster)).isInstanceOf(CliError.class)
                .hasMessageContaining("local Flink cluster is not running");
    }

    @Test
    void loadsGeneratedDataOnceAndReadsItBackFromKafkaAndPostgres() throws Exception {
        String[] args = {"--scale", "0.02", "--end", "2026-11-01"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoContext first = context(out, args);
        new DataStage().run(first);

        SyntheticGenerator generator = new SyntheticGenerator(first.data().generatorSettings());
        Catalog catalog = generator.catalog();
        long expectedEvents = generator.interactions(e -> { });
        LoadSummary loaded = first.loaded();
        assertThat(loaded).isNotNull();
        assertThat(loaded.eventsPublished()).isEqualTo(expectedEvents);
        String interactions = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        String deadLetter = config.get(PlatformConfig.TOPIC_DEAD_LETTER);
        try (TopicInspector kafka = new TopicInspector(config)) {
            assertThat(kafka.count(interactions)).isEqualTo(expectedEvents);
            assertThat(kafka.count(deadLetter)).isEqualTo(DataStage.SAMPLE_BAD_EVENTS.size());
        }
        PostgresCatalogStore store = new PostgresCatalogStore(DB.dataSource());
        for (Org org : catalog.orgs()) {
            long tracks = catalog.tracks().stream().filter(t -> t.orgId().equals(org.orgId())).count();
            long users = catalog.users().stream().filter(u -> u.orgId().equals(org.orgId())).count();
            assertThat(store.counts(org.orgId())).containsEntry("tracks", tracks).containsEntry("end_users", users);
        }

        // The same demo again must not publish the same events twice.
        DemoContext second = context(out, args);
        new DataStage().run(second);
        assertThat(second.loaded()).isNull();
        try (TopicInspector kafka = new TopicInspector(config)) {
            assertThat(kafka.count(interactions)).isEqualTo(expectedEvents);
        }

        ByteArrayOutputStream landed = new ByteArrayOutputStream();
        new LandStage().run(context(landed, args));
        assertThat(landed.toString(StandardCharsets.UTF_8))
                .contains(String.format(Locale.ROOT, "interactions  %,d rows landed", expectedEvents))
                .contains(String.format(Locale.ROOT, "dead_letters  %,d rows landed", DataStage.SAMPLE_BAD_EVENTS.size()));
        assertThat(home.resolve("lake").resolve("raw").resolve("interactions").resolve("_delta_log")).isDirectory();

        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        new SummaryStage().run(context(summary, args));
        String printed = summary.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(String.format(Locale.ROOT, "%,d records", expectedEvents))
                .contains("MALFORMED_JSON=1").contains("SCHEMA_VIOLATION=2");
        for (Org org : catalog.orgs()) {
            assertThat(printed).contains(org.orgId());
        }
    }
}
