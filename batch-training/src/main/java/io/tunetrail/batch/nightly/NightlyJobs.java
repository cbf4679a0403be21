package io.tunetrail.batch.nightly;

import io.tunetrail.batch.als.AlsJob;
import io.tunetrail.batch.als.GlobalAlsJob;
import io.tunetrail.batch.analytics.AudioEmbeddingsJob;
import io.tunetrail.batch.analytics.ContextCorrelationsJob;
import io.tunetrail.batch.analytics.GenreCorrelationsJob;
import io.tunetrail.batch.analytics.TemporalPatternsJob;
import io.tunetrail.batch.audio.AudioAnalysisJob;
import io.tunetrail.batch.catalog.CatalogSnapshotJob;
import io.tunetrail.batch.eval.EvaluateJob;
import io.tunetrail.batch.marts.MartsJob;
import io.tunetrail.batch.materialise.MaterialiseJob;
import io.tunetrail.batch.similarity.TrackSimilarityJob;
import io.tunetrail.batch.similarity.UserSimilarityJob;
import java.util.List;

/**
 * The nightly chain: every job in the order {@code --all} runs them. This list is the only place that names them;
 * {@code BatchJobsMain --job NAME} looks a job up here.
 *
 * <p>Order matters only where a job reads another's output in the same run: the similarity jobs read the als and
 * als-global jobs' factors, audio-embeddings reads the analyses audio-analysis stores, evaluate reads the
 * recommendations, materialise reads everything. The catalog
 * snapshot and the BI marts come after it, so a failure there never holds back serving; marts reads evaluate's
 * model_metrics.
 */
public final class NightlyJobs {
    private NightlyJobs() {}

    /** The chain, in order. */
    public static final List<NightlyJob> ALL = List.of(
            new AlsJob(),
            new GlobalAlsJob(),
            new TrackSimilarityJob(),
            new UserSimilarityJob(),
            new GenreCorrelationsJob(),
            new TemporalPatternsJob(),
            new ContextCorrelationsJob(),
            new AudioAnalysisJob(),
            new AudioEmbeddingsJob(),
            new EvaluateJob(),
            new MaterialiseJob(),
            new CatalogSnapshotJob(),
            new MartsJob()
    );

    /** The job of this name; fails listing the known names. */
    public static NightlyJob byName(String name) {
        return ALL.stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job '" + name + "'; known jobs: " + names()));
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(NightlyJob::name).toList());
    }
}
