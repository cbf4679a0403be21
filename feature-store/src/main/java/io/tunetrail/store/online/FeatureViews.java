package io.tunetrail.store.online;

import static io.tunetrail.store.online.ValueType.FLOAT64;
import static io.tunetrail.store.online.ValueType.FLOAT64_LIST;
import static io.tunetrail.store.online.ValueType.ID_LIST;
import static io.tunetrail.store.online.ValueType.INT64;
import static io.tunetrail.store.online.ValueType.STRING;

import io.tunetrail.store.StoreException;
import java.time.Duration;
import java.util.List;

/**
 * The platform's feature views: the one definition of every online feature, its entity, type and lifetime.
 *
 * <p>Writers (the Flink session-features job, Spark materialisation, the API's quota path) and readers (the API)
 * name views only through these constants, so a schema change happens here and nowhere else.
 */
public final class FeatureViews {
    private FeatureViews() {}

    /**
     * A listener's last seven days, refreshed by the streaming session-features job at the end of each session. The
     * TTL equals the window: a listener silent for seven days has no row, which readers treat as "no recent activity".
     */
    public static final FeatureView USER_SESSIONS = new FeatureView("user_sessions", Entity.USER, Duration.ofDays(7), List.of(
            new Feature("sessions_7d", INT64, "Listening sessions that ended in the last 7 days."),
            new Feature("minutes_listened_7d", FLOAT64, "Minutes played in the last 7 days."),
            new Feature("skip_rate_7d", FLOAT64, "Skipped plays / plays in the last 7 days, 0..1."),
            new Feature("top_genres_7d", ID_LIST, "Genre ids by minutes played in the last 7 days, most first (up to 5)."),
            new Feature("recent_tracks", ID_LIST, "Track ids of the latest plays, newest first (up to 20)."),
            new Feature("updated_at_ms", INT64, "Event time (epoch ms) of the newest session folded in.")),
            true, FeatureView.Layout.LATEST, "Per-user session features of the last 7 days (streaming).");

    /**
     * Top-N recommendations per listener from the nightly ALS run. Versioned: a run writes all rows under its model
     * version, then flips the pointer, so the API never mixes two runs. The TTL outlives two missed nightly runs.
     */
    public static final FeatureView USER_RECOMMENDATIONS = new FeatureView("user_recommendations", Entity.USER, Duration.ofDays(3),
            List.of(
                    new Feature("track_ids", ID_LIST, "Recommended track ids, best first."),
                    new Feature("scores", FLOAT64_LIST, "The model's score of each track, same order."),
                    new Feature(FeatureView.MODEL_VERSION, STRING, "The model version that produced the list.")),
            true, FeatureView.Layout.VERSIONED, "Per-user top-N recommendations (batch, ALS).");

    /** Item-item top-k per track from the nightly similarity run; versioned like {@link #USER_RECOMMENDATIONS}. */
    public static final FeatureView SIMILAR_TRACKS = new FeatureView("similar_tracks", Entity.TRACK, Duration.ofDays(3), List.of(
            new Feature("track_ids", ID_LIST, "Most similar track ids, most similar first."),
            new Feature("scores", FLOAT64_LIST, "Similarity of each track, same order."),
            new Feature(FeatureView.MODEL_VERSION, STRING, "The model version that produced the list.")),
            true, FeatureView.Layout.VERSIONED, "Per-track similar tracks (batch, item-item).");

    /**
     * API usage per org and metered resource (the plan catalog's {@code api_calls}, {@code audio_analysis},
     * {@code model_training}) for the current UTC day and month: what quota checks read and increment. The TTL is how
     * long a counter survives the end of its period; the billing truth is the {@code usage_ledger} table.
     */
    public static final FeatureView ORG_USAGE = new FeatureView("org_usage", Entity.ORG, Duration.ofDays(2), List.of(
            new Feature("day", INT64, "Units used in the UTC day."),
            new Feature("month", INT64, "Units used in the UTC month.")),
            true, FeatureView.Layout.COUNTER, "Per-org usage counters per resource, day and month (quotas).");

    /** Every view, in declaration order. */
    public static List<FeatureView> all() {
        return List.of(USER_SESSIONS, USER_RECOMMENDATIONS, SIMILAR_TRACKS, ORG_USAGE);
    }

    /**
     * The versioned view whose pointer names the active version of a model lineage (the registry's algorithm): what
     * the nightly materialisation writes and flips, and what a rollback or pin flips at once. Empty for lineages the
     * API reads from PostgreSQL only.
     */
    public static java.util.Optional<FeatureView> servingView(String algorithm) {
        return java.util.Optional.ofNullable(switch (algorithm) {
            case "als" -> USER_RECOMMENDATIONS;
            case "track-similarity" -> SIMILAR_TRACKS;
            default -> null;
        });
    }

    public static FeatureView byName(String name) {
        return all().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow(() -> StoreException.invalid(
                "there is no feature view '" + name + "'", "Known views: " + all().stream().map(FeatureView::name).toList()));
    }
}
