package io.tunetrail.streaming.common;

import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.RejectReason;
import io.tunetrail.model.UsageEvent;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record of the event topics into an {@link Envelope}: the decoded event (validated against
 * {@code schemas/}), or the reason it was refused. Never throws on bad input, so one bad record never fails the job.
 *
 * <p>Events stamped further ahead of the wall clock than {@code maxFutureMs} are refused here, before the watermark
 * sees them: a single event from the year 2099 would otherwise move event time forward and make every later event late.
 */
public final class EventDecoder implements KafkaRecordDeserializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    /** What a job wants from the {@code interactions} topic. */
    public enum InteractionsAs { LISTEN, METERED }

    private final String interactionsTopic;
    private final String usageTopic;
    private final InteractionsAs interactionsAs;
    private final long maxFutureMs;
    private transient EventCodec<InteractionEvent> interactions;
    private transient EventCodec<UsageEvent> usage;

    public EventDecoder(String interactionsTopic, String usageTopic, InteractionsAs interactionsAs, long maxFutureMs) {
        this.interactionsTopic = interactionsTopic;
        this.usageTopic = usageTopic;
        this.interactionsAs = interactionsAs;
        this.maxFutureMs = maxFutureMs;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codecs();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Envelope> out) {
        out.collect(decode(record.topic(), record.partition(), record.offset(), record.key(), record.value(), System.currentTimeMillis()));
    }

    /** Decodes one record; {@code nowMs} is the wall clock the future-event rule compares with. */
    public Envelope decode(String topic, int partition, long offset, byte[] key, byte[] value, long nowMs) {
        codecs();
        Envelope env = new Envelope();
        env.topic = topic;
        env.partition = partition;
        env.offset = offset;
        env.key = key;
        env.value = value;
        Instant eventTime;
        if (topic.equals(interactionsTopic)) {
            Decoded<InteractionEvent> d = interactions.decode(value);
            if (!d.isAccepted()) {
                return reject(env, d.code(), d.reason());
            }
            eventTime = d.value().eventTime();
            if (interactionsAs == InteractionsAs.LISTEN) {
                env.listen = Listen.of(d.value());
            } else {
                env.metered = Metered.of(d.value());
            }
        } else if (topic.equals(usageTopic)) {
            Decoded<UsageEvent> d = usage.decode(value);
            if (!d.isAccepted()) {
                return reject(env, d.code(), d.reason());
            }
            eventTime = d.value().eventTime();
            env.metered = Metered.of(d.value());
        } else {
            return reject(env, RejectReason.SCHEMA_VIOLATION, "record of topic " + topic + ", which this job does not read");
        }
        long ms = eventTime.toEpochMilli();
        if (ms > nowMs + maxFutureMs) {
            env.listen = null;
            env.metered = null;
            return reject(env, RejectReason.FUTURE_EVENT, "event_time " + eventTime + " is more than " + (maxFutureMs / 1000)
                    + " s ahead of the clock (" + Instant.ofEpochMilli(nowMs) + ")");
        }
        env.eventTimeMs = ms;
        return env;
    }

    private static Envelope reject(Envelope env, RejectReason code, String reason) {
        env.rejectCode = code.name();
        env.rejectReason = reason;
        env.eventTimeMs = Long.MIN_VALUE;
        return env;
    }

    private void codecs() {
        if (interactions == null) {
            interactions = EventCodec.interactions();
            usage = EventCodec.usage();
        }
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return TypeInformation.of(Envelope.class);
    }
}
