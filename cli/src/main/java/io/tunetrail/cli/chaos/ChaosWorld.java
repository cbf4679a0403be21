package io.tunetrail.cli.chaos;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.FileTrees;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One scenario run's corner of a stack: topics, Flink checkpoints and an offline store of its own (fresh names, a
 * folder under {@code <home>/chaos/}), so a run against a stack people use reads and writes none of their data, and
 * leaves nothing behind but its org rows. {@link #close()} deletes the topics and the folder.
 */
final class ChaosWorld implements AutoCloseable {
    private final PlatformConfig config;
    private final Path folder;
    private final String id;

    private ChaosWorld(PlatformConfig config, Path folder, String id) {
        this.config = config;
        this.folder = folder;
        this.id = id;
    }

    /** {@code root} when given, else the repository {@code ./tunetrail} runs from, whose job jars the scenarios start. */
    static Path repository(Path root) {
        Path repository = root != null ? root : Setup.repositoryRoot();
        if (repository == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail chaos");
        }
        return repository;
    }

    /** A world for scenario {@code name} on the stack {@code base} points at; {@code overrides} are extra keys. */
    static ChaosWorld create(PlatformConfig base, String name, Map<String, String> overrides) throws Exception {
        String id = "chaos-" + name.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path folder = base.home().resolve("chaos").resolve(id);
        Files.createDirectories(folder);
        Map<String, String> o = new HashMap<>(base.asMap());
        o.putAll(PlatformConfig.topicsNamed(id + "-"));
        o.put(PlatformConfig.STREAM_CHECKPOINT_DIR.name(), folder.resolve("checkpoints").toUri().toString());
        o.put(PlatformConfig.OFFLINE_STORE.name(), folder.resolve("lake").toString());
        o.putAll(overrides);
        PlatformConfig config = PlatformConfig.load(Map.of(), o);
        List<String> topics = new ArrayList<>(KafkaTopics.names(config));
        topics.addAll(KafkaTopics.resultNames(config));
        KafkaTopics.ensure(config, topics);
        return new ChaosWorld(config, folder, id);
    }

    PlatformConfig config() {
        return config;
    }

    /** Ids unique to this run (orgs, producers): the run's id plus {@code suffix}. */
    String unique(String suffix) {
        return id + "-" + suffix;
    }

    Path folder() {
        return folder;
    }

    /** Sends {@code records} (topic, key, value) with an idempotent producer, in order, and waits for every ack. */
    void send(List<ProducerRecord<byte[], byte[]>> records, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (transactionalId != null) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            records.forEach(producer::send);
            if (transactionalId != null) {
                producer.commitTransaction();
            }
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Every committed record of {@code topic} ({@code read_committed}), partition by partition in offset order. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets " + end + " within a minute");
                }
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            List<String> topics = new ArrayList<>(KafkaTopics.names(config));
            topics.addAll(KafkaTopics.resultNames(config));
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        } finally {
            FileTrees.deleteRecursively(folder);
        }
    }
}
