package io.tunetrail.batch.similarity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.als.Preferences;
import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.ModelLabel;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code track-similarity} job: per org, {@link TrackSimilarity} on the listeners' preferences and the track
 * factors of the org's newest {@code als} version; registered as a {@code track-similarity} candidate and written to
 * the {@code track_similarity} table under that version (with the als version it used).
 */
public final class TrackSimilarityJob implements NightlyJob {
    public static final String NAME = "track-similarity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        PlatformConfig config = ctx.config();
        int topK = config.getInt(PlatformConfig.SIMILARITY_TOP_K);
        int minSupport = config.getInt(PlatformConfig.SIMILARITY_MIN_SUPPORT);
        int maxHistory = config.getInt(PlatformConfig.SIMILARITY_MAX_HISTORY);
        TrackSimilarity similarity = new TrackSimilarity(topK, minSupport, maxHistory);
        DeltaInput interactions = ctx.interactions();
        DeltaInput factors = ctx.tables().read("track_factors", "run the als job first");
        Dataset<Row> prefs = Preferences.from(config).compute(interactions.rows()).cache();
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        try {
            for (String org : ctx.progress().orgs(ctx.orgs())) {
                ModelVersion als = ctx.alsVersion(org);
                String alsLabel = ModelLabel.of(als);
                Dataset<Row> trackFactors = factors.rows()
                        .filter(col("org_id").equalTo(org).and(col("model_version").equalTo(alsLabel)))
                        .select("track_id", "features");
                Dataset<Row> rows = similarity.compute(prefs.filter(col("org_id").equalTo(org)), trackFactors).cache();
                try {
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("method", "co-occurrence candidates scored by cosine of ALS track factors");
                    params.put("top_k", topK);
                    params.put("min_support", minSupport);
                    params.put("max_history", maxHistory);
                    Map<String, Object> snapshot = ctx.inputSnapshot(interactions, factors);
                    snapshot.put("als_version", alsLabel);
                    ModelVersion version = ctx.registry().register(org, NAME, params, snapshot);
                    String v = version.version().toString();
                    long written = rows.count();
                    outputs.put("track_similarity", ctx.tables().replacePartition("track_similarity",
                            OfflineTables.versioned(rows.withColumn("als_version", lit(alsLabel)),
                                    org, v, ctx.runId()),
                            Map.of("org_id", org, "model_version", v)));
                    versions.put(org, v);
                    perOrg.put(org, Map.of("version_id", version.id(), "als_version", alsLabel, "rows", written));
                } finally {
                    rows.unpersist();
                }
            }
        } finally {
            prefs.unpersist();
        }
        return new JobResult(NAME, ctx.runId(), versions,
                Map.of(interactions.table(), interactions.version(), factors.table(), factors.version()), outputs,
                Map.of("orgs", versions.size(), "per_org", perOrg), (System.nanoTime() - start) / 1_000_000);
    }
}
