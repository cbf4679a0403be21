package io.tunetrail.console.testing;

import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.registry.TrainingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A demo-like org's models and analytics, written the way the platform writes them: versions registered, measured and
 * promoted through the real {@link ModelRegistry}, the nightly analytics jobs' rows under an active version of each
 * job, a training request taken by a worker through the real {@link TrainingQueue} and reporting progress.
 */
public final class ModelData {
    private final Sql sql;
    private final ModelRegistry registry;
    private final PlanCatalog plans = PlanCatalog.load();
    /** The worker that takes the training requests: the same one reports their progress. */
    private final TrainingQueue worker;

    public ModelData(Sql sql) {
        this.sql = sql;
        this.registry = new ModelRegistry(sql.dataSource(), plans);
        this.worker = new TrainingQueue(sql.dataSource(), plans);
    }

    public ModelRegistry registry() {
        return registry;
    }

    /**
     * {@code n} als versions (1.0, 1.1, ...) a week apart with improving metrics; the first {@code promoted} of them promoted in turn,
     * so the last of those is active and the earlier ones retired; the rest stay candidates.
     */
    public List<ModelVersion> alsVersions(String org, int n, int promoted) {
        List<ModelVersion> versions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelVersion v = registry.register(org, "als", Map.of("rank", 10), Map.of("days", 30));
            v = registry.recordMetrics(v.id(), Map.of("ndcg_at_10", 0.20 + 0.05 * i, "precision_at_10", 0.10 + 0.02 * i, "evaluated_users", 500));
            // A week between versions, as nightly retraining makes them, so the charts over time have a time axis to draw on.
            insert("UPDATE model_versions SET created_at = now() - ? * interval '7 days' WHERE model_version_id = ?", n - i, v.id());
            if (i < promoted && !registry.promote(v.id()).promoted()) {
                throw new IllegalStateException("the registry did not promote " + v.version() + " of " + org);
            }
            versions.add(v);
        }
        return versions;
    }

    /** The analytics jobs' rows for {@code org}: genre pairs, listening by weekday and hour (and of listener u1), context effects, Wrapped 2026. */
    public void analytics(String org) {
        long genres = activeVersion(org, "genre-correlations");
        insert("INSERT INTO genre_correlations VALUES (?, ?, 'user', 'rock', 'pop', 5, 10, 8, 20, 1.25, 0.3)", org, genres);
        insert("INSERT INTO genre_correlations VALUES (?, ?, 'user', 'rock', 'jazz', 2, 10, 4, 20, 0.6, -0.2)", org, genres);
        insert("INSERT INTO genre_correlations VALUES (?, ?, 'user', 'pop', 'jazz', 3, 10, 6, 20, 1.1, 0.1)", org, genres);
        long temporal = activeVersion(org, "temporal-patterns");
        for (int day = 1; day <= 7; day++) {
            for (int hour = 0; hour < 24; hour += 2) {
                insert("INSERT INTO temporal_patterns VALUES (?, ?, '', ?, ?, ?, ?, 0.01)", org, temporal, day, hour, (day * 7 + hour) % 40 + 1,
                        ((day * 7 + hour) % 40 + 1) * 3.5);
            }
        }
        insert("INSERT INTO temporal_patterns VALUES (?, ?, 'u1', 5, 21, 4, 12.0, 1.0)", org, temporal);
        insert("INSERT INTO listener_monthly VALUES (?, ?, 'u1', DATE '2026-03-01', 40, 120.0, 9), (?, ?, 'u1', DATE '2026-05-01', 25, 80.0, 6)",
                org, temporal, org, temporal);
        insert("INSERT INTO listener_top_items VALUES (?, ?, 'u1', 2026, 'track', 1, 'hit', 30, 90.0), (?, ?, 'u1', 2026, 'genre', 1, 'rock', 50, 150.0)",
                org, temporal, org, temporal);
        insert("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-03-01', '', 100, 7, 300.0)", org, temporal);
        insert("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-04-01', '', 50, 9, 150.0)", org, temporal);
        insert("INSERT INTO monthly_trends VALUES (?, ?, DATE '2026-03-01', 'rock', 60, 5, 180.0)", org, temporal);
        long context = activeVersion(org, "context-correlations");
        insert("INSERT INTO context_correlations VALUES (?, ?, 'workout', 'energy', 100, 900, 0.8, 0.5, 0.9, 0.7, 1.1)", org, context);
        insert("INSERT INTO context_correlations VALUES (?, ?, 'sleep', 'tempo', 80, 900, 0.3, 0.5, -0.4, -0.7, -0.1)", org, context);
        insert("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES (?, 'hit', 'Big hit', 180000, 90), "
                + "(?, 'deep-cut', 'Deep cut', 200000, 20)", org, org);
    }

    /** A training request of {@code org} that a worker took and reports at {@code stage}, {@code percent}. */
    public TrainingRequest runningTraining(String org, String stage, int percent) {
        TrainingRequest queued = worker.submit(org, "als", Map.of(), null);
        TrainingRequest taken = worker.claimNext().orElseThrow(() -> new IllegalStateException("no worker could take the training request"));
        if (!taken.requestId().equals(queued.requestId())) {
            throw new IllegalStateException("the worker took another org's request: " + taken.requestId());
        }
        return progress(org, queued.requestId(), stage, percent);
    }

    /** The worker's next progress report on a request it took. */
    public TrainingRequest progress(String org, String requestId, String stage, int percent) {
        if (worker.leases().heartbeat(org, requestId, stage, percent) != io.tunetrail.store.jobs.JobLeases.Heartbeat.HELD) {
            throw new IllegalStateException("the worker lost training request " + requestId);
        }
        return worker.get(org, requestId).orElseThrow();
    }

    private long activeVersion(String org, String algorithm) {
        ModelVersion v = registry.register(org, algorithm, Map.of(), Map.of());
        registry.promote(v.id());
        return v.id();
    }

    private void insert(String statement, Object... args) {
        sql.update("seeding", statement, ps -> {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
        });
    }
}
