package io.tunetrail.store.online;

/**
 * What a feature view's rows describe. Every row also belongs to an org: entity ids are unique within an org only.
 * {@link #keyToken()} is the entity's segment in the Redis key layout ({@link RedisKeys}).
 */
public enum Entity {
    /** A listener of the org ({@code end_users.user_id}). */
    USER("user"),
    /** A track of the org's catalog ({@code tracks.track_id}). */
    TRACK("track"),
    /** The org itself. */
    ORG("org");

    private final String keyToken;

    Entity(String keyToken) {
        this.keyToken = keyToken;
    }

    public String keyToken() {
        return keyToken;
    }
}
