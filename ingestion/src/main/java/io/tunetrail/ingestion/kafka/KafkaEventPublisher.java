package io.tunetrail.ingestion.kafka;

import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes the platform's events to Kafka: interactions, usage, and dead letters.
 *
 * <p>The producer is idempotent ({@code acks=all}, {@code enable.idempotence=true}), so a retried send never writes a
 * record twice. Sends are asynchronous for throughput; the first send failure is kept and thrown by {@link #flush()}
 * and {@link #close()} as a {@link KafkaException}, so a caller that flushes before reporting success never loses an event unnoticed. Thread-safe.
 */
public final class KafkaEventPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String interactionsTopic;
    private final String usageTopic;
    private final String deadLetterTopic;
    private final EventCodec<InteractionEvent> interactionCodec = EventCodec.interactions();
    private final EventCodec<UsageEvent> usageCodec = EventCodec.usage();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public KafkaEventPublisher(PlatformConfig config) {
        this(new KafkaProducer<>(producerProperties(config)), config);
    }

    KafkaEventPublisher(Producer<byte[], byte[]> producer, PlatformConfig config) {
        this.producer = producer;
        this.interactionsTopic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        this.usageTopic = config.get(PlatformConfig.TOPIC_USAGE);
        this.deadLetterTopic = config.get(PlatformConfig.TOPIC_DEAD_LETTER);
    }

    /** Producer settings: idempotent and ordered per partition, batched for bulk loads. */
    public static Properties producerProperties(PlatformConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        // A stopped broker should fail the load within a minute, not hang it.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tunetrail-publisher");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Publishes one interaction, keyed by org and user so a user's events stay in order. */
    public void publish(InteractionEvent event) {
        send(new ProducerRecord<>(interactionsTopic, utf8(event.partitionKey()), interactionCodec.encode(event)));
    }

    /** Publishes one usage event, keyed by org. */
    public void publish(UsageEvent event) {
        send(new ProducerRecord<>(usageTopic, utf8(event.partitionKey()), usageCodec.encode(event)));
    }

    /** Publishes bytes already validated by the caller to the interactions topic, unchanged. */
    public void publishInteractionBytes(byte[] key, byte[] validJson) {
        send(new ProducerRecord<>(interactionsTopic, key, validJson));
    }

    /** Sends a refused record to the dead-letter topic: its original bytes as the value, the reason in headers. */
    public void publish(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetter.HEADER_SOURCE_TOPIC, utf8(letter.sourceTopic()));
        if (letter.sourcePartition() != null) {
            headers.add(DeadLetter.HEADER_SOURCE_PARTITION, utf8(letter.sourcePartition().toString()));
        }
        if (letter.sourceOffset() != null) {
            headers.add(DeadLetter.HEADER_SOURCE_OFFSET, utf8(letter.sourceOffset().toString()));
        }
        headers.add(DeadLetter.HEADER_REASON_CODE, utf8(letter.code().name()));
        headers.add(DeadLetter.HEADER_REASON, utf8(letter.reason()));
        headers.add(DeadLetter.HEADER_FAILED_AT, utf8(letter.failedAt().toString()));
        headers.add(DeadLetter.HEADER_STAGE, utf8(letter.stage()));
        deadLettered.incrementAndGet();
        send(new ProducerRecord<>(deadLetterTopic, null, null, letter.originalKey(), letter.originalValue(), headers));
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new KafkaException("an earlier send to Kafka failed; stopping: " + failure.getMessage(), failure);
        }
        sent.incrementAndGet();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                firstFailure.compareAndSet(null, error);
            }
        });
    }

    /** Waits until every record sent so far is acknowledged; throws if any send failed. */
    public void flush() {
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new KafkaException("Kafka did not accept " + (sent.get() - acknowledged.get()) + " of "
                    + sent.get() + " records: " + failure.getMessage(), failure);
        }
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent.get();
    }

    /** Records the broker acknowledged. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Flushes (throwing on any failed send) and closes the producer. */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
