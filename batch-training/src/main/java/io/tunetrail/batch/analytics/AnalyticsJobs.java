package io.tunetrail.batch.analytics;

import io.tunetrail.batch.nightly.NightlyContext;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The analytics jobs of the nightly chain, by name, and the catalog view they share. */
public final class AnalyticsJobs {
    /** Job names, as {@code --job} and the registry's {@code algorithm} know them. */
    public static final String GENRE_CORRELATIONS = "genre-correlations";
    public static final String TEMPORAL_PATTERNS = "temporal-patterns";
    public static final String CONTEXT_CORRELATIONS = "context-correlations";
    public static final String AUDIO_EMBEDDINGS = "audio-embeddings";
    public static final List<String> NAMES = List.of(GENRE_CORRELATIONS, TEMPORAL_PATTERNS, CONTEXT_CORRELATIONS, AUDIO_EMBEDDINGS);

    private AnalyticsJobs() {}

    /** The run's catalog tracks with {@code top_genre_ids} ({@link TopGenres}). */
    static Dataset<Row> catalog(NightlyContext ctx) {
        return TopGenres.withTopGenres(ctx.catalogTracks(), TopGenres.roots(ctx.spark(), ctx.dataSource()));
    }
}
