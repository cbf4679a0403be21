package io.tunetrail.ingestion.kafka;

import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Takes interaction events as raw JSON bytes from outside (a JSON-lines file, later the API), validates each against
 * the schema and publishes it: valid ones to the interactions topic, unchanged, refused ones to the dead-letter topic
 * with their reason. Nothing is dropped: {@link #accepted()} plus {@link #rejected()} is every record offered.
 * Not thread-safe; use one per feeding thread.
 */
public final class RawInteractionIngestor {
    private final KafkaEventPublisher publisher;
    private final String source;
    private final String stage;
    private final Clock clock;
    private final EventCodec<InteractionEvent> codec = EventCodec.interactions();
    private final Map<RejectReason, Long> rejectedByReason = new EnumMap<>(RejectReason.class);
    private long accepted;

    /**
     * @param source where the bytes come from (a file name or route), recorded on dead letters
     * @param stage which component refused them, recorded on dead letters
     */
    public RawInteractionIngestor(KafkaEventPublisher publisher, String source, String stage, Clock clock) {
        this.publisher = publisher;
        this.source = source;
        this.stage = stage;
        this.clock = clock;
    }

    /** Validates and publishes one record; returns the decode outcome so a caller can answer its own sender. */
    public Decoded<InteractionEvent> offer(byte[] json) {
        Decoded<InteractionEvent> decoded = codec.decode(json);
        if (decoded.isAccepted()) {
            InteractionEvent event = decoded.value();
            publisher.publishInteractionBytes(event.partitionKey().getBytes(StandardCharsets.UTF_8), json);
            accepted++;
        } else {
            publisher.publish(new DeadLetter(source, null, null, null, json, decoded.code(), decoded.reason(),
                    clock.instant(), stage));
            rejectedByReason.merge(decoded.code(), 1L, Long::sum);
        }
        return decoded;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Refused records by reason code, for summaries and metrics. */
    public Map<RejectReason, Long> rejectedByReason() {
        return Map.copyOf(rejectedByReason);
    }
}
