package io.tunetrail.batch.analytics;

import java.util.List;

/**
 * How an analytics output goes to PostgreSQL: the Delta table it is read from, the PostgreSQL table it is copied to,
 * and the columns, in the PostgreSQL table's order after {@code org_id, model_version_id} (both supplied by the
 * publisher). Names are the same on both sides.
 */
public record AnalyticsTable(String deltaTable, String postgresTable, List<String> columns) {
    public static final AnalyticsTable GENRE_CORRELATIONS = new AnalyticsTable("genre_correlations", "genre_correlations",
            List.of("scope", "genre_a", "genre_b", "count_ab", "count_a", "count_b", "baskets", "lift", "npmi"));
    public static final AnalyticsTable TEMPORAL_PATTERNS = new AnalyticsTable("temporal_patterns", "temporal_patterns",
            List.of("user_id", "day_of_week", "hour_of_day", "plays", "minutes", "share"));
    public static final AnalyticsTable MONTHLY_TRENDS = new AnalyticsTable("monthly_trends", "monthly_trends",
            List.of("month", "genre_id", "plays", "listeners", "minutes"));
    public static final AnalyticsTable TOP_TRACKS = new AnalyticsTable("top_tracks", "top_tracks",
            List.of("time_range", "rank", "track_id", "plays", "listeners", "as_of"));
    public static final AnalyticsTable SEASONAL_PROFILES = new AnalyticsTable("seasonal_profiles", "seasonal_profiles",
            List.of("user_id", "month_of_year", "plays", "minutes", "share"));
    public static final AnalyticsTable LISTENER_MONTHLY = new AnalyticsTable("listener_monthly", "listener_monthly",
            List.of("user_id", "month", "plays", "minutes", "tracks"));
    public static final AnalyticsTable LISTENER_TOP_ITEMS = new AnalyticsTable("listener_top_items", "listener_top_items",
            List.of("user_id", "year", "kind", "rank", "item_id", "plays", "minutes"));
    public static final AnalyticsTable CONTEXT_CORRELATIONS = new AnalyticsTable("context_correlations", "context_correlations",
            List.of("activity", "feature", "n_activity", "n_other", "mean_activity", "mean_other", "effect_size", "ci_low",
                    "ci_high"));

    public AnalyticsTable {
        columns = List.copyOf(columns);
    }

    /** {@code COPY <table> (org_id, model_version_id, <columns>) FROM STDIN (FORMAT csv)}. */
    String copySql() {
        return "COPY " + postgresTable + " (org_id, model_version_id, " + String.join(", ", columns) + ") FROM STDIN (FORMAT csv)";
    }
}
