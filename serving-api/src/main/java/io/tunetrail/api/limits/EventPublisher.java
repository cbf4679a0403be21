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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's Kafka producer: usage events (fire and forget, never on the request's path) and interactions (the caller
 * waits for the broker's acknowledgement, because it must learn whether its events were accepted).
 *
 * <p>{@code KafkaProducer.send} may block for metadata; usage sends therefore run on one background thread fed by a
 * queue. The request thread only counts and adds to the queue: the sender drains it in batches every few milliseconds
 * rather than being woken per event (a wake-up is a context switch per request, which on a busy 2-core server cost
 * more than the send itself).
 *
 * <p><b>Kafka unreachable</b>: a usage event stays this publisher's until the broker acknowledges it. One the producer
 * could not send or deliver in time (broker down, {@code max.block.ms} passed, delivery timeout) goes back to the
 * queue and is sent again once the broker answers; the sender backs off meanwhile. At most {@code api.usage.buffer-events}
 * events are held (queued or in the producer); beyond that a new event is dropped, counted in {@link #usageDropped()}
 * and logged (at most one line per {@link #DROP_LOG_INTERVAL_MS}), never silently, and the request is still answered.
 * The Redis counters stay exact, and the ledger reconciliation shows the gap. An event re-sent after a lost
 * acknowledgement may reach the topic twice; its {@code request_id} makes it count once in the ledger.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    /** How long the sender sleeps when it found the queue empty. */
    private static final long IDLE_SLEEP_MS = 5;
    /** How long the sender waits before trying again after the producer could not take an event. */
    private static final long BACKOFF_MS = 500;
    private static final long DROP_LOG_INTERVAL_MS = 10_000;
    /** How long a request posting interactions waits for Kafka's acknowledgement before it answers 503. */
    public static final long INTERACTIONS_ACK_SECONDS = 5;

    private final KafkaProducer<String, byte[]> producer;
    private final String usageTopic;
    private final String bootstrapServers;
    private final String interactionsTopic;
    private final EventCodec<UsageEvent> usageCodec = EventCodec.usage();
    private final EventCodec<InteractionEvent> interactionCodec = EventCodec.interactions();

    private final int capacity;
    /** Events held: queued plus handed to the producer and not yet acknowledged. Never above {@link #capacity}. */
    private final AtomicInteger held = new AtomicInteger();
    private final ArrayBlockingQueue<UsageEvent> usageQueue;
    private final Thread usageSender;
    private volatile boolean closing;
    private final AtomicLong usageDropped = new AtomicLong();
    private final AtomicLong usageFailed = new AtomicLong();
    private final AtomicLong usageResent = new AtomicLong();
    private final AtomicLong usageDelivered = new AtomicLong();
    private final AtomicLong lastDropLogMs = new AtomicLong();

    public EventPublisher(PlatformConfig config) {
        this.producer = new KafkaProducer<>(producerSettings(config), new StringSerializer(), new ByteArraySerializer());
        this.usageTopic = config.get(PlatformConfig.TOPIC_USAGE);
        this.bootstrapServers = config.kafkaBootstrap();
        this.interactionsTopic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        this.capacity = config.getInt(PlatformConfig.API_USAGE_BUFFER_EVENTS);
        if (capacity < 1) {
            throw new IllegalArgumentException(PlatformConfig.API_USAGE_BUFFER_EVENTS.describe() + " must be at least 1, not " + capacity);
        }
        this.usageQueue = new ArrayBlockingQueue<>(capacity);
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
        // Small: a send that cannot get metadata gives the event back to the queue soon (and an interactions request,
        // whose thread does wait, fails fast with 503 instead of hanging).
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tunetrail-api");
        return props;
    }

    /**
     * Queues a usage event and returns at once: true when it is held until Kafka acknowledges it, false when the
     * buffer was full and it was dropped (counted and logged).
     */
    public boolean publishUsage(UsageEvent event) {
        if (held.incrementAndGet() > capacity || !usageQueue.offer(event)) {
            held.decrementAndGet();
            dropped(event);
            return false;
        }
        return true;
    }

    private void dropped(UsageEvent event) {
        long total = usageDropped.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastDropLogMs.get();
        if (now - last >= DROP_LOG_INTERVAL_MS && lastDropLogMs.compareAndSet(last, now)) {
            LOG.warn("usage event {} of org {} dropped: {} events are waiting for Kafka at {} (api.usage.buffer-events); "
                    + "{} dropped since the start", event.requestId(), event.orgId(), capacity, usageTopic, total);
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
                if (!pause(IDLE_SLEEP_MS)) {
                    return;
                }
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (!send(batch.get(i))) {
                    // The producer cannot take events now (no metadata, buffer full): keep the rest and back off.
                    for (int j = i + 1; j < batch.size(); j++) {
                        requeue(batch.get(j));
                    }
                    if (closing || !pause(BACKOFF_MS)) {
                        return;
                    }
                    break;
                }
            }
        }
    }

    /** Hands one event to the producer; false when the producer could not take it now (its callback requeued it). */
    private boolean send(UsageEvent event) {
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(usageTopic, event.partitionKey(), usageCodec.encode(event)), (md, e) -> {
                if (e == null) {
                    held.decrementAndGet();
                    usageDelivered.incrementAndGet();
                } else if (e instanceof RetriableException) {
                    requeue(event);
                } else {
                    failed(event, e);
                }
            });
        } catch (RuntimeException e) {
            failed(event, e);
            return true;
        }
        // A send the producer could not even start (no metadata within max.block.ms, its buffer full) has failed
        // already: back off rather than block as long again on each of the next events.
        if (!sent.isDone()) {
            return true;
        }
        try {
            sent.get();
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof RetriableException);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** An event the producer gave back: it stays held (it was counted when queued) and goes round again. */
    private void requeue(UsageEvent event) {
        usageResent.incrementAndGet();
        if (!usageQueue.offer(event)) {
            // Cannot happen while held <= capacity; kept so a bug would show as a counted drop, not a silent loss.
            held.decrementAndGet();
            dropped(event);
        }
    }

    private void failed(UsageEvent event, Exception e) {
        held.decrementAndGet();
        usageFailed.incrementAndGet();
        LOG.warn("usage event {} of org {} cannot be published: {}", event.requestId(), event.orgId(), e.toString());
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
                f.get(INTERACTIONS_ACK_SECONDS, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw StoreException.unavailable("Kafka", interactionsTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.unavailable("Kafka", interactionsTopic, e);
        }
    }

    /** Usage events dropped because the buffer was full (Kafka down for long): a metric. */
    public long usageDropped() {
        return usageDropped.get();
    }

    /** Usage events Kafka refused for good (not retriable, e.g. a record too large): a metric. */
    public long usageFailed() {
        return usageFailed.get();
    }


    /** The brokers this publisher sends to (readiness asks them too). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Times a usage event was sent again after the producer gave it back: a metric of Kafka trouble. */
    public long usageResent() {
        return usageResent.get();
    }

    /** Usage events Kafka acknowledged since the start. */
    public long usageDelivered() {
        return usageDelivered.get();
    }

    /** Usage events held now, queued or waiting for Kafka's acknowledgement: the queue-depth metric. */
    public int usageHeld() {
        return held.get();
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
        int left = held.getAndSet(0);
        if (left > 0) {
            usageDropped.addAndGet(left);
            LOG.warn("{} usage events were not acknowledged by Kafka at {} before the API stopped: dropped", left, usageTopic);
        }
    }
}
