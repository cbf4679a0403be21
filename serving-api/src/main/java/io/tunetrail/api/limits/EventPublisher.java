package io.tunetrail.api.limits;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's Kafka producer: usage events (fire and forget, never on the request's path) and interactions (the caller
 * waits for the broker's acknowledgement, because it must learn whether its events were accepted).
 *
 * <p>{@code KafkaProducer.send} may block for metadata; usage sends therefore run on one background thread fed by a
 * bounded queue. The request thread only adds to the queue: the sender drains it in batches every few milliseconds
 * rather than being woken per event (a wake-up is a context switch per request, which on a busy 2-core server cost
 * more than the send itself). When the queue is full (Kafka down for long) a usage event is dropped and counted in
 * {@link #usageDropped()}: the Redis counters stay exact, and the ledger reconciliation shows the gap.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String usageTopic;
    private final String bootstrapServers;
    private final String interactionsTopic;
    private final EventCodec<UsageEvent> usageCodec = EventCodec.usage();
    private final EventCodec<InteractionEvent> interactionCodec = EventCodec.interactions();
    /** How long the sender sleeps when it found the queue empty. */
    private static final long IDLE_SLEEP_MS = 5;

    private final ArrayBlockingQueue<UsageEvent> usageQueue = new ArrayBlockingQueue<>(100_000);
    private final Thread usageSender;
    private volatile boolean closing;
    private final AtomicLong usageDropped = new AtomicLong();
    private final AtomicLong usageFailed = new AtomicLong();

    public EventPublisher(PlatformConfig config) {
        this.producer = new KafkaProducer<>(producerSettings(config), new StringSerializer(), new ByteArraySerializer());
        this.usageTopic = config.get(PlatformConfig.TOPIC_USAGE);
        this.bootstrapServers = config.kafkaBootstrap();
        this.interactionsTopic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        this.usageSender = new Thread(this::sendUsage, "tunetrail-api-usage");
        usageSender.setDaemon(true);
        usageSender.start();
    }

    /** The producer's settings; {@code bench ingest} gives Kafka's own producer benchmark the same. */
    public static Properties producerSettings(PlatformConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Usage events come one per request: batching them for up to 20 ms and compressing the batch costs the broker
        // (which shares the machine in small deployments) far less per event than small batches do.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tunetrail-api");
        return props;
    }

    /** Queues a usage event; returns at once. */
    public void publishUsage(UsageEvent event) {
        if (!usageQueue.offer(event)) {
            usageDropped.incrementAndGet();
        }
    }

    private void sendUsage() {
        List<UsageEvent> batch = new ArrayList<>(1024);
        while (true) {
            batch.clear();
            usageQueue.drainTo(batch, 1024);
            if (batch.isEmpty()) {
                if (closing) {
                    return;
                }
                try {
                    Thread.sleep(IDLE_SLEEP_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            for (UsageEvent event : batch) {
                send(event);
            }
        }
    }

    private void send(UsageEvent event) {
        try {
            producer.send(new ProducerRecord<>(usageTopic, event.partitionKey(), usageCodec.encode(event)), (md, e) -> {
                if (e != null) {
                    usageFailed.incrementAndGet();
                    LOG.warn("usage event {} not delivered: {}", event.requestId(), e.toString());
                }
            });
        } catch (RuntimeException e) {
            usageFailed.incrementAndGet();
            LOG.warn("usage event {} not sent: {}", event.requestId(), e.toString());
        }
    }

    /**
     * Sends interactions, keyed by listener (per-listener order), and waits until the broker acknowledged all of them.
     * Throws {@link StoreException} (UNAVAILABLE) when Kafka does not acknowledge in time.
     */
    public void publishInteractions(List<InteractionEvent> events) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        try {
            for (InteractionEvent e : events) {
                sent.add(producer.send(new ProducerRecord<>(interactionsTopic, e.partitionKey(), interactionCodec.encode(e))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(15, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw StoreException.unavailable("Kafka", interactionsTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.unavailable("Kafka", interactionsTopic, e);
        }
    }

    public long usageDropped() {
        return usageDropped.get();
    }

    public long usageFailed() {
        return usageFailed.get();
    }

    /** Usage events waiting for the sender (a gauge: near 0 unless Kafka is slow or down). */
    public int usageQueued() {
        return usageQueue.size();
    }

    /** The brokers this publisher sends to (readiness asks them too). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Sends what is queued, then closes the producer. */
    @Override
    public void close() {
        // No interrupt: it could land in a blocking send; the sender notices within one idle sleep.
        closing = true;
        try {
            usageSender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
