package io.tunetrail.cli.demo;

import io.tunetrail.cli.data.DataOptions;
import io.tunetrail.cli.data.LoadSummary;
import io.tunetrail.cli.data.PlatformLoader;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.RawInteractionIngestor;
import io.tunetrail.ingestion.synthetic.SyntheticGenerator;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * Generates or imports the demo's data and loads it: catalog into PostgreSQL, interactions into Kafka. Also sends a
 * few deliberately malformed events through the validating path, so the dead-letter topic has something to show.
 *
 * <p>Running the demo again must not publish the same events twice, so the stage remembers what it loaded (a
 * fingerprint of source, options and target cluster under the stack's home) and skips a repeat unless asked to
 * {@code --reload}. The catalog load is an idempotent upsert either way.
 */
final class DataStage implements DemoStage {
    static final String SYNTHETIC = "synthetic";

    /** Bad on purpose, one per kind of refusal a sender makes most. */
    static final List<String> SAMPLE_BAD_EVENTS = List.of(
            "{\"org_id\":\"demo\",\"user_id\":\"u1\",\"track_id\":",
            "{\"org_id\":\"demo\",\"user_id\":\"u1\",\"track_id\":\"t1\",\"event_type\":\"scrobble\","
                    + "\"event_time\":\"2026-01-01T00:00:00Z\",\"client_event_id\":\"demo-bad-1\"}",
            "{\"user_id\":\"u1\",\"track_id\":\"t1\",\"event_type\":\"play\",\"played_ms\":\"a while\","
                    + "\"event_time\":\"2026-01-01T00:00:00Z\",\"client_event_id\":\"demo-bad-2\"}");

    @Override
    public String name() {
        return "data";
    }

    @Override
    public String description() {
        return "generate or import data; catalog -> PostgreSQL, interactions -> Kafka";
    }

    @Override
    public void run(DemoContext context) throws IOException {
        PlatformConfig config = context.config();
        DataOptions data = context.data();
        String fingerprint = fingerprint(context);
        Path marker = config.home().resolve("demo-loaded.txt");
        if (!context.reload() && Files.isRegularFile(marker) && Files.readAllLines(marker).contains(fingerprint)) {
            context.out().println("      this data was loaded by an earlier demo run; not publishing it twice (--reload does)");
            return;
        }
        PlatformLoader loader = new PlatformLoader(config, context.out());
        LoadSummary summary = context.dataset().equals(SYNTHETIC)
                ? loader.loadSynthetic(new SyntheticGenerator(data.generatorSettings()), -1)
                : loader.loadDataset(context.dataset(), context.dataDir(), data.importOrg(context.dataset()), data.endInstant());
        sendSampleBadEvents(config);
        context.out().printf("      sent %d malformed events on purpose: they go to topic '%s' with their reason%n",
                SAMPLE_BAD_EVENTS.size(), config.get(PlatformConfig.TOPIC_DEAD_LETTER));
        context.loaded(summary);
        summary.print(context.out());
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, fingerprint + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void sendSampleBadEvents(PlatformConfig config) {
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            RawInteractionIngestor ingestor = new RawInteractionIngestor(publisher, "demo", "ingestion", Clock.systemUTC());
            SAMPLE_BAD_EVENTS.forEach(json -> ingestor.offer(json.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String fingerprint(DemoContext c) {
        DataOptions d = c.data();
        String source = c.dataset().equals(SYNTHETIC)
                ? "synthetic " + d.generatorSettings()
                : c.dataset() + " " + c.dataDir().toAbsolutePath().normalize() + " " + d.importOrg(c.dataset()) + " " + d.endInstant();
        return source + " -> " + c.config().kafkaBootstrap() + "/" + c.config().get(PlatformConfig.TOPIC_INTERACTIONS)
                + " " + c.config().jdbcUrl();
    }
}
