package io.tunetrail.batch.similarity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import io.tunetrail.batch.als.FactorTopK;
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
 * The {@code user-similarity} job ("listeners with similar taste"): per org, every listener's top-k other listeners
 * by cosine of their ALS factors from the org's newest {@code als} version, exact (full ranking, {@link FactorTopK}),
 * the listener themself excluded. Cosine is symmetric, so the score of a pair is the same in both lists. Registered as
 * a {@code user-similarity} candidate and written to the {@code user_similarity} table under that version.
 */
public final class UserSimilarityJob implements NightlyJob {
    public static final String NAME = "user-similarity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        int topK = ctx.config().getInt(PlatformConfig.SIMILARITY_TOP_K);
        DeltaInput factors = ctx.tables().read("user_factors", "run the als job first");
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        for (String org : ctx.progress().orgs(ctx.orgs())) {
            ModelVersion als = ctx.alsVersion(org);
                String alsLabel = ModelLabel.of(als);
            Dataset<Row> users = factors.rows()
                    .filter(col("org_id").equalTo(org).and(col("model_version").equalTo(alsLabel)))
                    .select("user_id", "features").cache();
            try {
                Dataset<Row> rows = FactorTopK.topK(users.withColumn("self", array(col("user_id"))), "user_id", "self",
                                users.toDF("similar_user_id", "features"), "similar_user_id", topK, true)
                        .select("user_id", "rank", "similar_user_id", "score");
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("method", "cosine of ALS user factors, exact top-k");
                params.put("top_k", topK);
                Map<String, Object> snapshot = ctx.inputSnapshot(factors);
                snapshot.put("als_version", alsLabel);
                ModelVersion version = ctx.registry().register(org, NAME, params, snapshot);
                String v = version.version().toString();
                outputs.put("user_similarity", ctx.tables().replacePartition("user_similarity",
                        OfflineTables.versioned(rows, org, v, ctx.runId()), Map.of("org_id", org, "model_version", v)));
                versions.put(org, v);
                perOrg.put(org, Map.of("version_id", version.id(), "als_version", alsLabel,
                        "listeners", users.count()));
            } finally {
                users.unpersist();
            }
        }
        return new JobResult(NAME, ctx.runId(), versions, Map.of(factors.table(), factors.version()), outputs,
                Map.of("orgs", versions.size(), "per_org", perOrg), (System.nanoTime() - start) / 1_000_000);
    }
}
