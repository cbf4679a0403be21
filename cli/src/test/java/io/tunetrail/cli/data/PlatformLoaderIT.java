package io.tunetrail.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.kafka.TopicInspector;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Imports reach Kafka in event-time order per partition, whatever order the data set's files list them in. */
class PlatformLoaderIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    Path home;

    @TempDir
    Path data;

    private PlatformConfig config;

    @AfterEach
    void deleteTopics() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anImportIsPublishedInEventTimeOrder() throws Exception {
        String unique = "it-loader-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> overrides = new HashMap<>();
        overrides.put(PlatformConfig.HOME.name(), home.toString());
        overrides.put(PlatformConfig.POSTGRES_DATABASE.name(), DB.name());
        config = TestStack.withFreshTopics("loader", overrides);

        // ml-100k layout, listed by user as the release is, so each user's ratings go back in time after the previous
        // user's.
        StringBuilder ratings = new StringBuilder();
        long t0 = 890_000_000L;
        for (int user = 1; user <= 6; user++) {
            for (int i = 0; i < 5; i++) {
                ratings.append(user).append('\t').append(1 + (user + i) % 4).append('\t').append(4).append('\t')
                        .append(t0 + (6 - user) * 10_000L + i * 60).append('\n');
            }
        }
        Files.writeString(data.resolve("u.data"), ratings.toString(), StandardCharsets.ISO_8859_1);
        StringBuilder items = new StringBuilder();
        for (int item = 1; item <= 4; item++) {
            items.append(item).append("|Movie ").append(item).append(" (1995)|01-Jan-1995||http://example.org/").append(item)
                    .append("|0|0|0|1|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n");
        }
        Files.writeString(data.resolve("u.item"), items.toString(), StandardCharsets.ISO_8859_1);

        PlatformLoader loader = new PlatformLoader(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        LoadSummary summary = loader.loadDataset("movielens", data, new Org(unique, unique, "pro"), Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(summary.eventsPublished()).isEqualTo(30);

        Map<Integer, List<Instant>> byPartition = new HashMap<>();
        try (TopicInspector topics = new TopicInspector(config)) {
            topics.scan(config.get(PlatformConfig.TOPIC_INTERACTIONS), record -> {
                Decoded<InteractionEvent> decoded = EventCodec.interactions().decode(record.value());
                byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(decoded.value().eventTime());
            }, Duration.ofSeconds(30));
        }
        assertThat(byPartition.values().stream().mapToInt(List::size).sum()).isEqualTo(30);
        byPartition.values().forEach(times -> assertThat(times).isSorted());
    }
}
