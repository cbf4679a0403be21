package io.tunetrail.ingestion.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Activity;
import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.RejectReason;
import io.tunetrail.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Producer → real broker → consumer, against the stack {@code ./tunetrail test} started. */
class KafkaPublishIT {
    private static final EventCodec<InteractionEvent> CODEC = EventCodec.interactions();
    private PlatformConfig config;

    @BeforeEach
    void createTopics() {
        config = TestStack.withFreshTopics("publish");
        assertThat(KafkaTopics.ensure(config)).hasSize(3);
        assertThat(KafkaTopics.ensure(config)).as("second ensure creates nothing").isEmpty();
    }

    @AfterEach
    void deleteTopics() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void tenThousandEventsArriveOnceEachAndInOrderPerUser() {
        int users = 37;
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        Set<String> sentIds = new HashSet<>();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            for (int i = 0; i < 10_000; i++) {
                InteractionEvent e = new InteractionEvent("org-it", "u" + (i % users), "t" + (i % 501), EventType.PLAY,
                        30_000, 200_000, start.plusSeconds(i), new InteractionContext(Device.WEB, Activity.STUDY),
                        "evt-" + i, 1);
                publisher.publish(e);
                sentIds.add(e.clientEventId());
            }
            publisher.flush();
            assertThat(publisher.acknowledged()).isEqualTo(10_000);
        }

        List<String> readIds = new ArrayList<>();
        Map<String, Instant> lastTimePerUser = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        try (TopicInspector inspector = new TopicInspector(config)) {
            assertThat(inspector.count(config.get(PlatformConfig.TOPIC_INTERACTIONS))).isEqualTo(10_000);
            inspector.scan(config.get(PlatformConfig.TOPIC_INTERACTIONS), r -> {
                InteractionEvent e = CODEC.decode(r.value()).value();
                readIds.add(e.clientEventId());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.partitionKey());
                Instant previous = lastTimePerUser.put(e.userId(), e.eventTime());
                if (previous != null && previous.isAfter(e.eventTime())) {
                    outOfOrder.add(e.clientEventId());
                }
            }, Duration.ofSeconds(60));
        }
        assertThat(readIds).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(new HashSet<>(readIds)).isEqualTo(sentIds);
        assertThat(outOfOrder).as("a user's events keep their order (one partition per user)").isEmpty();
    }

    @Test
    void refusedEventsReachTheDeadLetterTopicUnchangedWithTheirReason() {
        Map<String, RejectReason> bad = new HashMap<>();
        bad.put("{\"org_id\":\"o\",\"user_id\":\"u\",\"tra", RejectReason.MALFORMED_JSON);
        bad.put(valid("bad-type").replace("\"played_ms\":1000", "\"played_ms\":\"long\""), RejectReason.SCHEMA_VIOLATION);
        bad.put(valid("bad-event").replace("\"play\"", "\"scrobble\""), RejectReason.SCHEMA_VIOLATION);
        bad.put(valid("no-org").replace("\"org_id\":\"org-it\",", ""), RejectReason.SCHEMA_VIOLATION);
        bad.put("not json at all", RejectReason.MALFORMED_JSON);

        Clock clock = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            RawInteractionIngestor ingestor = new RawInteractionIngestor(publisher, "it-file.jsonl", "ingestion", clock);
            Decoded<InteractionEvent> ok = ingestor.offer(valid("good-1").getBytes(StandardCharsets.UTF_8));
            assertThat(ok.isAccepted()).as(ok.toString()).isTrue();
            bad.keySet().forEach(json -> ingestor.offer(json.getBytes(StandardCharsets.UTF_8)));
            publisher.flush();
            assertThat(ingestor.accepted()).isEqualTo(1);
            assertThat(ingestor.rejected()).isEqualTo(bad.size());
            assertThat(ingestor.rejectedByReason()).containsEntry(RejectReason.MALFORMED_JSON, 2L)
                    .containsEntry(RejectReason.SCHEMA_VIOLATION, 3L);
        }

        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        try (TopicInspector inspector = new TopicInspector(config)) {
            inspector.scan(config.get(PlatformConfig.TOPIC_DEAD_LETTER), letters::add, Duration.ofSeconds(30));
        }
        assertThat(letters).hasSize(bad.size());
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String original = new String(letter.value(), StandardCharsets.UTF_8);
            assertThat(bad).containsKey(original);
            assertThat(header(letter, DeadLetter.HEADER_REASON_CODE)).isEqualTo(bad.get(original).name());
            assertThat(header(letter, DeadLetter.HEADER_REASON)).isNotBlank();
            assertThat(header(letter, DeadLetter.HEADER_SOURCE_TOPIC)).isEqualTo("it-file.jsonl");
            assertThat(header(letter, DeadLetter.HEADER_STAGE)).isEqualTo("ingestion");
            assertThat(header(letter, DeadLetter.HEADER_FAILED_AT)).isEqualTo("2026-11-22T12:00:00Z");
        }
    }

    private static String valid(String id) {
        return "{\"org_id\":\"org-it\",\"user_id\":\"u1\",\"track_id\":\"t1\",\"event_type\":\"play\",\"played_ms\":1000,"
                + "\"event_time\":\"2026-11-22T10:00:00Z\",\"client_event_id\":\"" + id + "\"}";
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
