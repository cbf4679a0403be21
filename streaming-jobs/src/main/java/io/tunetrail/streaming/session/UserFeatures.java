package io.tunetrail.streaming.session;

/**
 * A listener's rolling features as of their newest closed session: the row of the {@code user_sessions} feature view
 * ({@code FeatureViews.USER_SESSIONS}). "Last 7 days" is by event time: sessions that ended within 7 days before the
 * newest session's end. Lists are comma-joined ids.
 */
public record UserFeatures(
        String orgId,
        String userId,
        long sessions7d,
        double minutesListened7d,
        double skipRate7d,
        String topGenres7d,
        String recentTracks,
        long updatedAtMs) {}
