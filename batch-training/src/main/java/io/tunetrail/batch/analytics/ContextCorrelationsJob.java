package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code context-correlations} job: {@link ContextCorrelations} → Delta and PostgreSQL {@code context_correlations}. */
public final class ContextCorrelationsJob implements NightlyJob {
    @Override
    public String name() {
        return AnalyticsJobs.CONTEXT_CORRELATIONS;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        AnalyticsSettings settings = AnalyticsSettings.from(ctx.config());
        var rows = new ContextCorrelations(settings).compute(ctx.interactions().rows(), ctx.catalogTracks());
        Map<String, Object> params = Map.of("min_plays", settings.minActivityPlays(), "min_effect", settings.minEffect(),
                "features", ContextCorrelations.FEATURES);
        AnalyticsMaterialiser m = new AnalyticsMaterialiser(ctx, true);
        var outcome = m.materialise(name(), params, Map.of(AnalyticsTable.CONTEXT_CORRELATIONS, rows), Map.of());
        Map<String, Object> figures = new LinkedHashMap<>(params);
        figures.put("findings", rows.filter(col("finding")).count());
        return m.result(name(), outcome, figures, start);
    }
}
