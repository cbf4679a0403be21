package io.tunetrail.batch.eval;

import static org.apache.spark.sql.functions.col;

import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.ModelLabel;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.registry.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code evaluate} job: per org, the offline metrics of the org's newest {@code als} version's recipe on a holdout
 * split, beside the popularity baseline ({@link Evaluator}). The recipe is what serves the org's lists: the family the
 * nightly choice picked with its hyperparameters ({@code input_snapshot.family}, {@code family_params}), or the job's
 * ALS params for a version the choice did not make (an org too big for it, the global model). The metrics go to the
 * registry (the version's {@code metrics}: {@code family}, the figures under the family's name, {@code baseline},
 * {@code k}, {@code split}) and to the {@code model_metrics} table, one row per recommender (the family, popularity).
 *
 * <p>The version itself was fitted on all interactions, so it cannot be scored on held-out ones; the job refits the
 * same recipe on the training part, which measures it on today's data.
 */
public final class EvaluateJob implements NightlyJob {
    public static final String NAME = "evaluate";

    static final StructType METRICS_ROW = new StructType()
            .add("recommender", DataTypes.StringType).add("k", DataTypes.IntegerType).add("split", DataTypes.StringType)
            .add("precision", DataTypes.DoubleType).add("recall", DataTypes.DoubleType).add("ndcg", DataTypes.DoubleType)
            .add("map", DataTypes.DoubleType).add("coverage", DataTypes.DoubleType).add("novelty", DataTypes.DoubleType)
            .add("popularity_bias", DataTypes.DoubleType).add("users", DataTypes.IntegerType)
            .add("evaluated_at", DataTypes.TimestampType);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        PlatformConfig config = ctx.config();
        Evaluator evaluator = Evaluator.from(config);
        DeltaInput interactions = ctx.interactions();
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> perOrg = new LinkedHashMap<>();
        for (String org : ctx.progress().orgs(ctx.orgs())) {
            ModelVersion als = ctx.alsVersion(org);
            Evaluator.Report report = evaluator.evaluate(interactions.rows().filter(col("org_id").equalTo(org)), served(ctx, org, als));
            // The global version serves many orgs: each one's figures under its own key, so they do not overwrite.
            ctx.registry().recordMetrics(als.id(), als.isGlobal() ? Map.of("org:" + org, report.asMap()) : report.asMap());
            java.sql.Timestamp now = java.sql.Timestamp.from(ctx.clock().instant());
            List<Row> rows = new ArrayList<>();
            rows.add(row(report.family(), report, report.model(), now));
            rows.add(row("popularity", report, report.baseline(), now));
            String v = ModelLabel.of(als);
            outputs.put("model_metrics", ctx.tables().replacePartition("model_metrics",
                    OfflineTables.versioned(ctx.spark().createDataFrame(rows, METRICS_ROW), org, v, ctx.runId()),
                    Map.of("org_id", org, "model_version", v)));
            versions.put(org, v);
            perOrg.put(org, report.asMap());
        }
        return new JobResult(NAME, ctx.runId(), versions, Map.of(interactions.table(), interactions.version()), outputs,
                Map.of("orgs", versions.size(), "per_org", perOrg), (System.nanoTime() - start) / 1_000_000);
    }

    /** The family the nightly choice picked for the version, with its hyperparameters; null when it made no choice. */
    private static Evaluator.Served served(NightlyContext ctx, String org, ModelVersion version) {
        if (!(version.inputSnapshot().get("family_params") instanceof Map<?, ?> params)) {
            return null;
        }
        Map<String, Object> named = new LinkedHashMap<>();
        params.forEach((name, value) -> named.put(String.valueOf(name), value));
        return new Evaluator.Served(version.family(), named, ctx.catalogTracks().filter(col("org_id").equalTo(org)));
    }

    private static Row row(String recommender, Evaluator.Report report, RankingMetrics m, java.sql.Timestamp at) {
        return RowFactory.create(recommender, report.k(), report.split(), m.precision(), m.recall(), m.ndcg(), m.map(),
                m.coverage(), m.novelty(), m.popularityBias(), m.users(), at);
    }
}
