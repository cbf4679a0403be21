package io.tunetrail.streaming.testing;

import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.streaming.common.StreamSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

/** Fresh topics for one streaming IT, writing records to chosen partitions, and reading a topic back whole. */
public final class StreamTestKit implements AutoCloseable {
    public static final int PARTITIONS = 2;

    private final PlatformConfig config;
    private final KafkaProducer<byte[], byte[]> producer;

    /** Fresh names for every topic (events and results), {@value #PARTITIONS} partitions each, created now. */
    public StreamTestKit(String prefix, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(extra);
        o.put(PlatformConfig.KAFKA_PARTITIONS.name(), String.valueOf(PARTITIONS));
        config = TestStack.withFreshTopics(prefix, o);
        List<String> topics = new ArrayList<>(KafkaTopics.names(config));
        topics.addAll(KafkaTopics.resultNames(config));
        KafkaTopics.ensure(config, topics);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public PlatformConfig config() {
        return config;
    }

    /** Settings for a bounded run with quick checkpoints into {@code checkpoints}. */
    public StreamSettings untilIdle(Path checkpoints) {
        return settings(checkpoints, true);
    }

    public StreamSettings settings(Path checkpoints, boolean untilIdle) {
        return settings(checkpoints.toUri().toString(), untilIdle);
    }

    /** Settings with quick checkpoints into {@code checkpointDir}, a URI (e.g. {@code s3a://bucket/prefix}). */
    public StreamSettings settings(String checkpointDir, boolean untilIdle) {
        Map<String, String> o = new HashMap<>(config.asMap());
        o.put(PlatformConfig.STREAM_CHECKPOINT_DIR.name(), checkpointDir);
        o.put(PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS.name(), "300");
        return StreamSettings.of(PlatformConfig.load(Map.of(), o), untilIdle);
    }

    /** Sends to one partition; records of a partition keep the order of the calls (idempotent producer). */
    public void send(String topic, int partition, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    public void flush() {
        producer.flush();
    }

    /** Every committed record of a topic, partition by partition in offset order. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    public static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        producer.close();
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            List<String> topics = new ArrayList<>(KafkaTopics.names(config));
            topics.addAll(KafkaTopics.resultNames(config));
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }
}
