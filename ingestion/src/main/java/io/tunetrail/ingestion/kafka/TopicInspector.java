package io.tunetrail.ingestion.kafka;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics back without joining a consumer group (no offsets committed, nobody else's position moved): record
 * counts from the partition offsets, and a full scan for checks and summaries.
 */
public final class TopicInspector implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    public TopicInspector(PlatformConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tunetrail-inspector-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
    }

    /** Records currently retained in the topic: the sum over partitions of end minus beginning offset. */
    public long count(String topic) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(15));
        return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
    }

    /**
     * Calls {@code sink} for every record retained in the topic, up to the end offsets as of the call, and returns how
     * many it read. Stops with an error if the end is not reached within {@code timeout}.
     */
    public long scan(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink, Duration timeout) {
        List<TopicPartition> partitions = partitions(topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
        long read = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedEnd(partitions, end)) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("reading " + topic + " did not reach its end within " + timeout
                        + " (read " + read + " records)");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    sink.accept(r);
                    read++;
                }
            }
        }
        consumer.unsubscribe();
        return read;
    }

    /**
     * Returns up to {@code n} of the newest records of each partition, at most {@code n} in all, newest last by
     * timestamp. For looking at a topic, not for processing it.
     */
    public List<ConsumerRecord<byte[], byte[]>> newest(String topic, int n, Duration timeout) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(15));
        consumer.assign(partitions);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - n));
        }
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedEnd(partitions, end) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    out.add(r);
                }
            }
        }
        consumer.unsubscribe();
        out.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        return out.subList(Math.max(0, out.size() - n), out.size());
    }

    private boolean reachedEnd(List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, Duration.ofSeconds(15)) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist on this cluster");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : infos) {
            out.add(new TopicPartition(topic, info.partition()));
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
