package io.tunetrail.batch.analytics;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import java.util.Map;

/** The {@code genre-correlations} job: {@link GenreCorrelations} → Delta and PostgreSQL {@code genre_correlations}. */
public final class GenreCorrelationsJob implements NightlyJob {
    @Override
    public String name() {
        return AnalyticsJobs.GENRE_CORRELATIONS;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        AnalyticsSettings settings = AnalyticsSettings.from(ctx.config());
        var pairs = new GenreCorrelations(settings).compute(ctx.interactions().rows(), AnalyticsJobs.catalog(ctx));
        Map<String, Object> params = Map.of("min_pair_baskets", settings.minPairBaskets(),
                "session_gap_minutes", settings.sessionGapMinutes(), "genre_level", "top");
        AnalyticsMaterialiser m = new AnalyticsMaterialiser(ctx, true);
        var outcome = m.materialise(name(), params, Map.of(AnalyticsTable.GENRE_CORRELATIONS, pairs), Map.of());
        return m.result(name(), outcome, params, start);
    }
}
