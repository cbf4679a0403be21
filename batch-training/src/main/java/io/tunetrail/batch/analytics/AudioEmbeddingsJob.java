package io.tunetrail.batch.analytics;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.store.vector.PgVectorStore;
import io.tunetrail.store.vector.TrackEmbeddingSources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code audio-embeddings} job: {@link AudioEmbeddings} (from the analysed features where a track has an analysis)
 * → Delta {@code audio_embeddings} and pgvector, with each embedding's source.
 */
public final class AudioEmbeddingsJob implements NightlyJob {
    @Override
    public String name() {
        return AnalyticsJobs.AUDIO_EMBEDDINGS;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        AnalyticsSettings settings = AnalyticsSettings.from(ctx.config());
        Dataset<Row> analysed = AnalysedTrackFeatures.read(ctx).cache();
        try {
            AudioEmbeddings.Result result = new AudioEmbeddings(settings).compute(ctx.catalogTracks(), analysed);
            Map<String, Object> params = Map.of("dimension", settings.embeddingDimension(), "genre_weight",
                    settings.genreWeight(), "features", AudioEmbeddings.AUDIO, "projection", "pca");
            AnalyticsMaterialiser m = new AnalyticsMaterialiser(ctx, false);
            var outcome = m.embeddings(result, params, new PgVectorStore(ctx.dataSource()), new TrackEmbeddingSources(ctx.dataSource()));
            Map<String, Object> figures = new LinkedHashMap<>(params);
            figures.put("explained_variance", result.explainedVariance());
            return m.result(name(), outcome, figures, start);
        } finally {
            analysed.unpersist();
        }
    }
}
