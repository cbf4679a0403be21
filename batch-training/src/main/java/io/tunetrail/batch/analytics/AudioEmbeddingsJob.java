package io.tunetrail.batch.analytics;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.store.vector.PgVectorStore;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code audio-embeddings} job: {@link AudioEmbeddings} → Delta {@code audio_embeddings} and pgvector. */
public final class AudioEmbeddingsJob implements NightlyJob {
    @Override
    public String name() {
        return AnalyticsJobs.AUDIO_EMBEDDINGS;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        AnalyticsSettings settings = AnalyticsSettings.from(ctx.config());
        AudioEmbeddings.Result result = new AudioEmbeddings(settings).compute(ctx.catalogTracks());
        Map<String, Object> params = Map.of("dimension", settings.embeddingDimension(), "genre_weight",
                settings.genreWeight(), "features", AudioEmbeddings.AUDIO, "projection", "pca");
        AnalyticsMaterialiser m = new AnalyticsMaterialiser(ctx, false);
        var outcome = m.embeddings(result, params, new PgVectorStore(ctx.dataSource()));
        Map<String, Object> figures = new LinkedHashMap<>(params);
        figures.put("explained_variance", result.explainedVariance());
        return m.result(name(), outcome, figures, start);
    }
}
