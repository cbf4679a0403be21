package io.tunetrail.batch.analytics;

import io.tunetrail.model.PlatformConfig;

/**
 * The knobs of the analytics jobs (genre correlations, temporal patterns, context correlations, audio embeddings),
 * read from the platform configuration ({@code analytics.*} keys and {@code embedding.dimension}).
 *
 * @param sessionGapMinutes   events of a listener further apart than this start a new session
 * @param minPairBaskets      a genre pair is kept when at least this many baskets (users or sessions) hold both
 * @param minActivityPlays    an activity is compared with the rest only from this many plays of an org
 * @param minEffect           |Cohen's d| from which an activity/feature pair counts as a finding
 * @param genreWeight         weight of each genre indicator beside the standardised audio features
 * @param embeddingDimension  components of an audio embedding (the pgvector column's dimension)
 */
public record AnalyticsSettings(int sessionGapMinutes, int minPairBaskets, int minActivityPlays, double minEffect,
                                double genreWeight, int embeddingDimension) {

    public AnalyticsSettings {
        require(sessionGapMinutes >= 1, PlatformConfig.SESSION_GAP_MINUTES, "must be at least 1");
        require(minPairBaskets >= 1, PlatformConfig.ANALYTICS_GENRE_MIN_PAIR_BASKETS, "must be at least 1");
        require(minActivityPlays >= 2, PlatformConfig.ANALYTICS_CONTEXT_MIN_PLAYS, "must be at least 2");
        require(minEffect >= 0 && Double.isFinite(minEffect), PlatformConfig.ANALYTICS_CONTEXT_MIN_EFFECT,
                "must be a number of at least 0");
        require(genreWeight >= 0 && Double.isFinite(genreWeight), PlatformConfig.ANALYTICS_EMBEDDING_GENRE_WEIGHT,
                "must be a number of at least 0");
        require(embeddingDimension >= 2, PlatformConfig.EMBEDDING_DIMENSION, "must be at least 2");
    }

    public static AnalyticsSettings from(PlatformConfig config) {
        return new AnalyticsSettings(
                config.getInt(PlatformConfig.SESSION_GAP_MINUTES),
                config.getInt(PlatformConfig.ANALYTICS_GENRE_MIN_PAIR_BASKETS),
                config.getInt(PlatformConfig.ANALYTICS_CONTEXT_MIN_PLAYS),
                number(config, PlatformConfig.ANALYTICS_CONTEXT_MIN_EFFECT),
                number(config, PlatformConfig.ANALYTICS_EMBEDDING_GENRE_WEIGHT),
                config.getInt(PlatformConfig.EMBEDDING_DIMENSION));
    }

    /** The keys' defaults (and whatever the local config file sets): for tests and tools. */
    public static AnalyticsSettings defaults() {
        return from(PlatformConfig.load(java.util.Map.of(), java.util.Map.of()));
    }

    public AnalyticsSettings withMinPairBaskets(int n) {
        return new AnalyticsSettings(sessionGapMinutes, n, minActivityPlays, minEffect, genreWeight, embeddingDimension);
    }

    public AnalyticsSettings withMinActivityPlays(int n) {
        return new AnalyticsSettings(sessionGapMinutes, minPairBaskets, n, minEffect, genreWeight, embeddingDimension);
    }

    public AnalyticsSettings withEmbeddingDimension(int d) {
        return new AnalyticsSettings(sessionGapMinutes, minPairBaskets, minActivityPlays, minEffect, genreWeight, d);
    }

    private static double number(PlatformConfig config, PlatformConfig.Key key) {
        String raw = config.get(key);
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key.describe() + " = '" + raw + "' is not a number");
        }
    }

    private static void require(boolean ok, PlatformConfig.Key key, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("configuration key " + key.describe() + " " + rule);
        }
    }
}
