package io.tunetrail.model;

import java.time.Instant;

/**
 * One listening event, the record on the {@code interactions} topic (schema: {@code schemas/interaction.schema.json}).
 *
 * <p>{@code clientEventId} is chosen by the sending app and makes the event idempotent: the same id within an org is
 * the same event. {@code count} is how many identical events this record stands for; it is 1 for live traffic and
 * larger only for aggregated history imports (such as Last.fm play counts), so counts stay exact without replaying
 * millions of copies.
 */
public record InteractionEvent(
        String orgId,
        String userId,
        String trackId,
        EventType eventType,
        long playedMs,
        long trackDurationMs,
        Instant eventTime,
        InteractionContext context,
        String clientEventId,
        int count) {

    public InteractionEvent {
        // Absent on the wire means the schema defaults: unknown context, one event.
        if (context == null) {
            context = InteractionContext.UNKNOWN;
        }
        if (count == 0) {
            count = 1;
        }
    }

    /** The Kafka record key: all of a user's events go to one partition, so per-user order is kept. */
    public String partitionKey() {
        return orgId + "/" + userId;
    }

    /** Fraction of the track that was played, in [0, 1]; 0 when the duration is unknown. */
    public double completionRatio() {
        return trackDurationMs <= 0 ? 0.0 : Math.min(1.0, (double) playedMs / trackDurationMs);
    }
}
