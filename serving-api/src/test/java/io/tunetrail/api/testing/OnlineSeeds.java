package io.tunetrail.api.testing;

import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Online-store rows the recommendation ITs start from: a listener's active model list and their recent session. */
public final class OnlineSeeds {
    private OnlineSeeds() {}

    /** {@code trackIds} as the listener's list of model {@code version}, best first (scores 1.0, 0.99, ...), made active. */
    public static void activeRecommendations(RedisOnlineStore online, String orgId, String userId, String version, List<String> trackIds) {
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < trackIds.size(); i++) {
            scores.add(1.0 - i / 100.0);
        }
        online.writeBatch(orgId, FeatureViews.USER_RECOMMENDATIONS, version, List.of(
                new FeatureRow(userId, Map.of("track_ids", trackIds, "scores", scores, "model_version", version))));
        online.activateVersion(orgId, FeatureViews.USER_RECOMMENDATIONS, version);
    }

    /** A week of jazz listening whose most recent plays are {@code recentTracks}. */
    public static void session(RedisOnlineStore online, String orgId, String userId, List<String> recentTracks) {
        online.writeBatch(orgId, FeatureViews.USER_SESSIONS, null, List.of(new FeatureRow(userId, Map.of("sessions_7d", 3L,
                "minutes_listened_7d", 50.0, "skip_rate_7d", 0.1, "top_genres_7d", List.of("jazz"),
                "recent_tracks", recentTracks, "updated_at_ms", 1L))));
    }
}
