package io.tunetrail.streaming.common;

import io.tunetrail.model.InteractionEvent;

/**
 * An accepted listening event, flattened to fields Flink serialises without Kryo (strings and numbers): what the jobs
 * shuffle between operators. {@code artistId} and {@code genreIds} (comma-joined, catalog order) are filled in by the
 * session-features job from the catalog; empty when unknown.
 */
public record Listen(
        String orgId,
        String userId,
        String trackId,
        String eventType,
        long playedMs,
        long trackDurationMs,
        long eventTimeMs,
        String activity,
        int count,
        String artistId,
        String genreIds) {

    public static final String PLAY = "play";
    public static final String SKIP = "skip";
    public static final String COMPLETE = "complete";

    public static Listen of(InteractionEvent e) {
        return new Listen(e.orgId(), e.userId(), e.trackId(), e.eventType().wireName(), e.playedMs(), e.trackDurationMs(),
                e.eventTime().toEpochMilli(), e.context().activity().wireName(), e.count(), "", "");
    }

    /** True for events that are a listening of the track (play, skip, complete); likes and the like are not. */
    public boolean isPlayback() {
        return PLAY.equals(eventType) || SKIP.equals(eventType) || COMPLETE.equals(eventType);
    }

    public Listen withCatalog(String artist, String genres) {
        return new Listen(orgId, userId, trackId, eventType, playedMs, trackDurationMs, eventTimeMs, activity, count,
                artist == null ? "" : artist, genres == null ? "" : genres);
    }

    /** The key of a listener: org and user joined by '|', which ids never contain. */
    public String userKey() {
        return orgId + "|" + userId;
    }
}
