package io.tunetrail.api.service;

import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import java.time.Clock;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.RedisKeys;
import java.util.Map;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Feedback on a recommendation (like, dislike, skip, add to playlist): published as an interaction event, so the
 * nightly training learns from it like from any other listening signal.
 */
public final class FeedbackService {
    private static final java.time.Duration FEEDBACK_TTL = java.time.Duration.ofDays(90);
    private static final Map<String, EventType> TYPES = Map.of("like", EventType.LIKE, "dislike", EventType.DISLIKE,
            "skip", EventType.SKIP, "add_to_playlist", EventType.ADD_TO_PLAYLIST, "play", EventType.PLAY);

    public record FeedbackRequest(String userId, String trackId, String feedback, String modelVersion, String clientEventId) {
        public FeedbackRequest {
            Check.id("user_id", userId);
            Check.id("track_id", trackId);
            Check.required("feedback", feedback);
            if (!TYPES.containsKey(feedback)) {
                throw Check.invalid("feedback", "'feedback' must be one of like, dislike, skip, add_to_playlist, play");
            }
            Check.optionalId("client_event_id", clientEventId);
            if (modelVersion != null && !modelVersion.matches("[A-Za-z0-9._-]{1,64}")) {
                throw Check.invalid("model_version", "'model_version' must be the model_version of a recommendation response");
            }
        }
    }

    public record FeedbackRecorded(String clientEventId, String status, String modelVersion) {}

    private final CatalogService catalog;
    private final InteractionService interactions;
    private final JedisPooled jedis;
    private final Clock clock;

    public FeedbackService(CatalogService catalog, InteractionService interactions, JedisPooled jedis, Clock clock) {
        this.catalog = catalog;
        this.interactions = interactions;
        this.jedis = jedis;
        this.clock = clock;
    }

    public FeedbackRecorded record(Principal p, FeedbackRequest r) {
        catalog.track(p, r.trackId());
        String eventId = r.clientEventId() != null ? r.clientEventId() : ApiKeySecrets.newId("fb");
        InteractionEvent event = new InteractionEvent(p.orgId(), r.userId(), r.trackId(), TYPES.get(r.feedback()), 0, 0, clock.instant(),
                InteractionContext.UNKNOWN, eventId, 1);
        InteractionService.Accepted a = interactions.acceptOne(p, event);
        if (r.modelVersion() != null && "accepted".equals(a.results().get(0).status())) {
            // Counted per model version (once per event: a retried duplicate is not counted again) for A/B results.
            String key = RedisKeys.feedback(p.orgId(), r.modelVersion());
            try (Pipeline pipe = jedis.pipelined()) {
                pipe.hincrBy(key, r.feedback(), 1);
                pipe.pexpire(key, FEEDBACK_TTL.toMillis());
                pipe.sync();
            } catch (JedisException e) {
                throw StoreException.unavailable("Redis", "feedback counters", e);
            }
        }
        return new FeedbackRecorded(eventId, a.results().get(0).status(), r.modelVersion());
    }
}
