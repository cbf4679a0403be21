package io.tunetrail.batch.analytics;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code temporal-patterns} job: {@link TemporalPatterns} → Delta {@code temporal_patterns}, {@code monthly_trends},
 * {@code top_tracks}, {@code seasonal_profiles}, {@code listener_monthly}, {@code listener_top_items} and
 * {@code peak_hours}; all but the peak hours also to PostgreSQL (they are a query over the profiles there).
 */
public final class TemporalPatternsJob implements NightlyJob {
    @Override
    public String name() {
        return AnalyticsJobs.TEMPORAL_PATTERNS;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        Dataset<Row> events = ListeningEvents.cached(ctx.interactions().rows());
        try {
            TemporalPatterns.Result r = new TemporalPatterns().compute(events, AnalyticsJobs.catalog(ctx));
            Map<AnalyticsTable, Dataset<Row>> tables = new LinkedHashMap<>();
            tables.put(AnalyticsTable.TEMPORAL_PATTERNS, r.profiles());
            tables.put(AnalyticsTable.MONTHLY_TRENDS, r.monthly());
            tables.put(AnalyticsTable.TOP_TRACKS, r.topTracks());
            tables.put(AnalyticsTable.SEASONAL_PROFILES, r.seasonal());
            tables.put(AnalyticsTable.LISTENER_MONTHLY, r.listenerMonthly());
            tables.put(AnalyticsTable.LISTENER_TOP_ITEMS, r.listenerTop());
            Map<String, Object> params = Map.of("time_zone", "UTC", "peaks", TemporalPatterns.PEAKS, "top_tracks", TemporalPatterns.TOP_TRACKS,
                    "listener_top", TemporalPatterns.LISTENER_TOP);
            AnalyticsMaterialiser m = new AnalyticsMaterialiser(ctx, true);
            var outcome = m.materialise(name(), params, tables, Map.of("peak_hours", r.peaks()));
            return m.result(name(), outcome, params, start);
        } finally {
            events.unpersist();
        }
    }
}
