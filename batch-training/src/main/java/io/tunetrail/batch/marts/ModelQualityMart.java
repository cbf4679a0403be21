package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.batch.nightly.ModelLabel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart_model_quality}: every evaluation of {@code model_metrics} (per org, model version and run) with the
 * model's family and, beside each recommender's figures, the popularity baseline's of the same evaluation and their
 * ratio, so a chart over versions needs no self-join.
 */
public final class ModelQualityMart {
    /** The recommender {@code model_metrics} names the baseline. */
    static final String BASELINE = "popularity";

    private ModelQualityMart() {}

    public static Dataset<Row> of(Dataset<Row> modelMetrics) {
        Dataset<Row> baseline = modelMetrics.filter(col("recommender").equalTo(BASELINE))
                .select(col("org_id").as("b_org"), col("model_version").as("b_version"), col("run_id").as("b_run"),
                        col("precision").as("baseline_precision"), col("ndcg").as("baseline_ndcg"),
                        col("coverage").as("baseline_coverage"));
        Dataset<Row> m = modelMetrics.alias("m");
        Column sameEvaluation = col("org_id").equalTo(col("b_org")).and(col("model_version").equalTo(col("b_version")))
                .and(col("run_id").equalTo(col("b_run")));
        return m.join(baseline, sameEvaluation, "left")
                .select(col("org_id"), col("model_version"),
                        // Global (community edition) versions are labelled global-MAJOR.MINOR (ModelLabel).
                        when(col("recommender").notEqual(lit(BASELINE)).and(col("model_version").startsWith(ModelLabel.GLOBAL_PREFIX)),
                                concat(col("recommender"), lit("-global"))).otherwise(col("recommender")).as("model_family"),
                        col("recommender"), col("run_id"), col("evaluated_at"),
                        to_date(col("evaluated_at")).as("evaluated_date"), col("k"), col("split"), col("users"),
                        col("precision"), col("recall"), col("ndcg"), col("map"), col("coverage"), col("novelty"),
                        col("popularity_bias"), col("baseline_precision"), col("baseline_ndcg"), col("baseline_coverage"),
                        ratio("ndcg", "baseline_ndcg").as("ndcg_vs_baseline"),
                        ratio("precision", "baseline_precision").as("precision_vs_baseline"));
    }

    private static Column ratio(String value, String baseline) {
        return when(col(baseline).gt(0), col(value).divide(col(baseline)));
    }
}
