package io.tunetrail.streaming.common;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The jobs' Kafka sources and sinks, built one way for every job.
 *
 * <p>Sources: offsets live in Flink's checkpoints (the source's state), committed to the consumer group only as a
 * courtesy for monitoring. A continuous run starts from the group's committed offsets (the earliest when there are
 * none) and is restored from a checkpoint or savepoint by the runtime. With {@code untilIdle} the source is
 * <em>bounded</em>: it reads from the earliest offsets up to the latest offsets as of the job's start
 * ({@code OffsetsInitializer.latest()} as stopping offsets) and then ends, which flushes every window. We chose a
 * bounded source over an idleness detector because it is deterministic: the run reads exactly what was there when it
 * started, whatever the machine's speed, and needs no timeout that a slow shared machine could trip. Recomputing from
 * the earliest offsets each time makes the bounded run's absolute results complete, so re-running it rewrites the
 * same values.
 *
 * <p>Sinks are {@link DeliveryGuarantee#EXACTLY_ONCE}: Kafka transactions committed when a checkpoint completes, so a
 * result or dead letter is visible to {@code read_committed} readers exactly once. The producer's transaction timeout
 * ({@link StreamSettings#transactionTimeoutMs}) must outlive a checkpoint interval plus the checkpoint timeout
 * ({@link StreamSettings#requireTransactionOutlivesCheckpoint}, checked when the settings are made) and stay at or below
 * the broker's {@code transaction.max.timeout.ms} (15 min by default), or the broker refuses the producer.
 */
public final class KafkaIo {
    private KafkaIo() {}

    /** The job's Kafka source of envelopes. */
    public static KafkaSource<Envelope> source(StreamSettings s, String job, EventDecoder decoder, String... topics) {
        KafkaSourceBuilder<Envelope> b = KafkaSource.<Envelope>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(topics)
                .setGroupId("tunetrail-" + job)
                .setDeserializer(decoder)
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", "tunetrail-" + job + "-" + UUID.randomUUID().toString().substring(0, 8));
        if (s.untilIdle()) {
            b.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
        } else {
            b.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        return b.build();
    }

    /**
     * Watermarks bounded by out-of-orderness + allowed lateness, from accepted events only ({@link EventRouter}).
     * Continuous runs mark a partition idle after a minute without records, so a quiet topic (usage may see nothing
     * for hours) does not hold event time back for ever; an idle partition that wakes up with old events can then
     * meet windows that have already fired: those events are counted as {@code window_late} and dead-lettered. A
     * bounded run needs no idleness: a drained partition's split finishes and stops holding the watermark.
     */
    public static WatermarkStrategy<Envelope> watermarks(StreamSettings s) {
        WatermarkStrategy<Envelope> w = WatermarkStrategy.<Envelope>forBoundedOutOfOrderness(Duration.ofMillis(s.latenessBoundMs()))
                .withTimestampAssigner((e, kafkaTs) -> e.eventTimeMs);
        return s.untilIdle() ? w : w.withIdleness(Duration.ofMinutes(1));
    }

    /** An exactly-once sink of JSON results: {@code key} gives each record's Kafka key, {@code json} its value. */
    public static <T> KafkaSink<T> resultSink(StreamSettings s, String job, String topic, SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> json) {
        return sink(s, job, topic, (element, context, timestamp) ->
                new ProducerRecord<>(topic, null, key.apply(element).getBytes(StandardCharsets.UTF_8), json.apply(element)));
    }

    /** The exactly-once dead-letter sink: original bytes as the value, the reason in headers ({@code schemas/dead-letter.md}). */
    public static KafkaSink<Rejected> deadLetterSink(StreamSettings s, String job) {
        String topic = s.deadLetterTopic();
        return sink(s, job, topic, (r, context, timestamp) -> {
            RecordHeaders headers = new RecordHeaders();
            header(headers, io.tunetrail.model.DeadLetter.HEADER_SOURCE_TOPIC, r.sourceTopic);
            header(headers, io.tunetrail.model.DeadLetter.HEADER_SOURCE_PARTITION, String.valueOf(r.sourcePartition));
            header(headers, io.tunetrail.model.DeadLetter.HEADER_SOURCE_OFFSET, String.valueOf(r.sourceOffset));
            header(headers, io.tunetrail.model.DeadLetter.HEADER_REASON_CODE, r.code);
            header(headers, io.tunetrail.model.DeadLetter.HEADER_REASON, r.reason);
            header(headers, io.tunetrail.model.DeadLetter.HEADER_FAILED_AT, Instant.ofEpochMilli(r.failedAtMs).toString());
            header(headers, io.tunetrail.model.DeadLetter.HEADER_STAGE, r.stage);
            return new ProducerRecord<>(topic, null, null, r.key, r.value, headers);
        });
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(new RecordHeader(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8)));
    }

    /** The producer properties of every exactly-once sink. */
    static Properties producerProperties(StreamSettings s) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(s.transactionTimeoutMs()));
        p.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        return p;
    }

    private static <T> KafkaSink<T> sink(StreamSettings s, String job, String topic, KafkaRecordSerializationSchema<T> schema) {
        Properties p = producerProperties(s);
        return KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setKafkaProducerConfig(p)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // Unique per job and topic: on start the sink aborts the lingering transactions of its own prefix only.
                .setTransactionalIdPrefix("tunetrail-" + job + "-" + topic)
                .build();
    }
}
