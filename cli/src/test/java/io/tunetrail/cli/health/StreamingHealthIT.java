package io.tunetrail.cli.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming health measures against the stack's broker on fresh topics: known offsets committed for the jobs'
 * consumer groups, checkpoint files of known ages, dead letters of the jobs and of another stage. Each measure comes
 * out as planted, and exactly the measures over their limits are reported.
 */
class StreamingHealthIT {
    @TempDir
    Path checkpoints;

    private final List<Map.Entry<String, TopicPartition>> committed = new ArrayList<>();
    private Admin admin;

    @AfterEach
    void forgetTheOffsetsCommittedForTheFreshTopics() throws Exception {
        // The groups are the real jobs' (their names are fixed): leave them only their own topics.
        for (Map.Entry<String, TopicPartition> c : committed) {
            admin.deleteConsumerGroupOffsets(c.getKey(), java.util.Set.of(c.getValue())).all().get();
        }
        admin.close();
    }

    @Test
    void measuresLagCheckpointAgeAndDeadLetterRateAndReportsWhatIsOverItsLimit() throws Exception {
        PlatformConfig config = TestStack.withFreshTopics("health", Map.of(
                PlatformConfig.STREAM_CHECKPOINT_DIR.name(), checkpoints.toString(),
                PlatformConfig.HEALTH_MAX_CONSUMER_LAG.name(), "5",
                PlatformConfig.HEALTH_MAX_CHECKPOINT_AGE_SECONDS.name(), "600",
                PlatformConfig.HEALTH_MAX_DEAD_LETTER_RATE.name(), "0.1"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        admin = Admin.create(p);
        String interactions = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        String usage = config.get(PlatformConfig.TOPIC_USAGE);
        String deadLetter = config.get(PlatformConfig.TOPIC_DEAD_LETTER);
        admin.createTopics(List.of(new NewTopic(interactions, 1, (short) 1), new NewTopic(usage, 1, (short) 1),
                new NewTopic(deadLetter, 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(interactions, ("i" + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(usage, ("u" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.send(deadLetter("session-features", deadLetter));
            producer.send(deadLetter("session-features", deadLetter));
            producer.send(deadLetter("generator", deadLetter));
            producer.flush();
        }
        commit("tunetrail-usage-counters", new TopicPartition(interactions, 0), 10);
        commit("tunetrail-usage-counters", new TopicPartition(usage, 0), 5);
        commit("tunetrail-session-features", new TopicPartition(interactions, 0), 4);
        Instant now = Instant.now();
        checkpoint("usage-counters", "chk-7", now.minusSeconds(30));
        checkpoint("usage-counters", "chk-6", now.minusSeconds(400));
        checkpoint("session-features", "chk-2", now.minus(Duration.ofHours(2)));

        StreamingHealth.Report report = new StreamingHealth(config, Clock.systemUTC()).measure();

        StreamingHealth.JobHealth counters = report.jobs().get(0);
        StreamingHealth.JobHealth sessions = report.jobs().get(1);
        assertThat(counters.job()).isEqualTo("usage-counters");
        assertThat(counters.lag()).isZero();
        assertThat(counters.checkpointAgeSeconds()).isBetween(25L, 120L);
        assertThat(sessions.lag()).isEqualTo(6);
        assertThat(sessions.checkpointAgeSeconds()).isBetween(7100L, 7300L);
        assertThat(report.inputRecords()).isEqualTo(15);
        assertThat(report.deadLetters()).isEqualTo(2);
        assertThat(report.deadLetterRate()).isEqualTo(2.0 / 15);
        assertThat(report.breaches()).hasSize(3)
                .anySatisfy(b -> assertThat(b).startsWith("session-features: consumer lag 6 > 5"))
                .anySatisfy(b -> assertThat(b).startsWith("session-features: newest checkpoint"))
                .anySatisfy(b -> assertThat(b).startsWith("dead-letter rate 0.1333"));
        assertThat(report.asMap()).containsKeys("jobs", "dead_letter_rate", "limits", "breaches");
    }

    @Test
    void aJobThatNeverCommittedAndNeverCheckpointedIsReportedSo() throws Exception {
        PlatformConfig config = emptyTopicsCheckpointingTo(checkpoints.toString());

        StreamingHealth.Report report = new StreamingHealth(config, Clock.systemUTC()).measure();

        assertThat(report.jobs()).allSatisfy(j -> assertThat(j.lag()).isNull());
        assertThat(report.breaches()).contains(
                "usage-counters: consumer group tunetrail-usage-counters has committed no offsets (is the job running?)",
                "session-features: no completed checkpoint under " + checkpoints.toAbsolutePath().resolve("session-features"));
        assertThat(report.deadLetterRate()).isZero();
    }

    @Test
    void checkpointsInABucketAreNotReadAndTheRestIsStillMeasured() throws Exception {
        // The command reads local checkpoint folders only; a bucket's age is left to the Flink REST API. It used to
        // unbox the missing age and fail with a NullPointerException instead of reporting the lag.
        PlatformConfig config = emptyTopicsCheckpointingTo("s3a://checkpoints/tunetrail");

        StreamingHealth.Report report = new StreamingHealth(config, Clock.systemUTC()).measure();

        assertThat(report.jobs()).allSatisfy(j -> {
            assertThat(j.checkpointAgeSeconds()).isNull();
            assertThat(j.checkpoint()).isEqualTo("s3a://checkpoints/tunetrail (not local: ask the Flink REST API)");
        });
        assertThat(report.breaches()).containsExactlyInAnyOrder(
                "usage-counters: consumer group tunetrail-usage-counters has committed no offsets (is the job running?)",
                "session-features: consumer group tunetrail-session-features has committed no offsets (is the job running?)");
    }

    /** Fresh, empty topics the jobs read and write, nothing committed; checkpoints configured under {@code dir}. */
    private PlatformConfig emptyTopicsCheckpointingTo(String dir) throws Exception {
        PlatformConfig config = TestStack.withFreshTopics("health", Map.of(PlatformConfig.STREAM_CHECKPOINT_DIR.name(), dir));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic(config.get(PlatformConfig.TOPIC_INTERACTIONS), 1, (short) 1),
                new NewTopic(config.get(PlatformConfig.TOPIC_USAGE), 1, (short) 1),
                new NewTopic(config.get(PlatformConfig.TOPIC_DEAD_LETTER), 1, (short) 1))).all().get();
        return config;
    }

    private void commit(String group, TopicPartition partition, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset))).all().get();
        committed.add(Map.entry(group, partition));
    }

    private void checkpoint(String job, String chk, Instant at) throws Exception {
        Path metadata = checkpoints.resolve(job).resolve("f00dbabe").resolve(chk).resolve("_metadata");
        Files.createDirectories(metadata.getParent());
        Files.writeString(metadata, "checkpoint");
        Files.setLastModifiedTime(metadata, FileTime.from(at));
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String stage, String topic) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, "bad".getBytes(StandardCharsets.UTF_8));
        r.headers().add(DeadLetter.HEADER_STAGE, stage.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static KafkaProducer<byte[], byte[]> producer(PlatformConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
