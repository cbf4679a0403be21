package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes the BI marts from the offline store: {@code mart_listening_daily} and {@code mart_listener_retention} (from
 * the run's interactions snapshot), {@code mart_usage_daily} (from the landed usage events and the orgs' plans),
 * {@code mart_model_quality} (from {@code model_metrics}, so it runs after evaluate), {@code mart_costs_daily} (from
 * PostgreSQL's {@code usage_costs}) and {@code mart_revenue_monthly} (the run's month, from PostgreSQL's orgs,
 * subscriptions and ledger, in runs over every org only). Each mart is recomputed whole for the run's orgs and replaces
 * their partitions, so a re-run writes the same rows. A mart whose source table does not exist yet (no usage landed,
 * nothing evaluated) is skipped and the result says so.
 */
public final class MartsJob implements NightlyJob {
    public static final String NAME = "marts";
    /** The run that wrote a mart row (model_quality's own run_id is the evaluation's). */
    public static final String RUN_COLUMN = "mart_run_id";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        Map<String, Long> inputs = new LinkedHashMap<>();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> figures = new LinkedHashMap<>();

        DeltaInput interactions = ctx.interactions();
        inputs.put(interactions.table(), interactions.version());
        write(ctx, "mart_listening_daily", ListeningMart.daily(interactions.rows(),
                ctx.config().getInt(PlatformConfig.SESSION_GAP_MINUTES)), outputs, figures);

        Optional<DeltaInput> usage = source(ctx, "usage", figures);
        usage.ifPresent(u -> {
            inputs.put(u.table(), u.version());
            Dataset<Row> plans = PostgresQuery.rows(ctx.spark(), ctx.config(), "SELECT org_id, plan_id FROM organisations");
            write(ctx, "mart_usage_daily", UsageMart.daily(u.rows(), plans), outputs, figures);
        });

        Optional<DeltaInput> metrics = source(ctx, "model_metrics", figures);
        metrics.ifPresent(m -> {
            inputs.put(m.table(), m.version());
            write(ctx, "mart_model_quality", ModelQualityMart.of(m.rows()), outputs, figures);
        });

        write(ctx, "mart_listener_retention", RetentionMart.weekly(interactions.rows()), outputs, figures);
        Dataset<Row> costs = PostgresQuery.rows(ctx.spark(), ctx.config(), CostsMart.QUERY);
        write(ctx, "mart_costs_daily", CostsMart.daily(ctx.orgFilter().map(o -> costs.filter(col("org_id").equalTo(o))).orElse(costs)),
                outputs, figures);
        if (ctx.orgFilter().isPresent()) {
            // Revenue sums every org of a plan: a run for one org would replace the month with that org's share.
            figures.put("mart_revenue_monthly", "skipped in a run for one org");
        } else {
            YearMonth month = YearMonth.from(ctx.asOf().orElse(LocalDate.now(ctx.clock())));
            write(ctx, "mart_revenue_monthly", RevenueMart.monthly(month,
                    PostgresQuery.rows(ctx.spark(), ctx.config(), RevenueMart.ORGS_QUERY),
                    PostgresQuery.rows(ctx.spark(), ctx.config(), RevenueMart.ledgerQuery(month)),
                    RevenueMart.prices(ctx.spark(), PlanCatalog.load())), "revenue_month", outputs, figures);
        }
        return new JobResult(NAME, ctx.runId(), Map.of(), inputs, outputs, figures, (System.nanoTime() - start) / 1_000_000);
    }

    /** The table limited to the run's org filter; empty (and said in the figures) when it does not exist yet. */
    private static Optional<DeltaInput> source(NightlyContext ctx, String table, Map<String, Object> figures) {
        if (!ctx.tables().exists(table)) {
            figures.put(table, "missing, its mart skipped");
            return Optional.empty();
        }
        DeltaInput in = ctx.tables().read(table, "");
        Dataset<Row> rows = ctx.orgFilter().map(o -> in.rows().filter(col("org_id").equalTo(o))).orElse(in.rows());
        return Optional.of(new DeltaInput(in.table(), in.version(), rows));
    }

    private static void write(NightlyContext ctx, String table, Dataset<Row> rows, Map<String, Long> outputs,
            Map<String, Object> figures) {
        write(ctx, table, rows, "org_id", outputs, figures);
    }

    private static void write(NightlyContext ctx, String table, Dataset<Row> rows, String partition, Map<String, Long> outputs,
            Map<String, Object> figures) {
        Dataset<Row> stamped = rows.withColumn(RUN_COLUMN, lit(ctx.runId()));
        // Replace only the partitions this run computed: other orgs' rows (a run with --org), other months' revenue stay.
        stamped.write().format("delta").mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(partition)
                .save(ctx.tables().location(table));
        outputs.put(table, ctx.tables().version(table));
        figures.put(table + "_rows", ctx.spark().read().format("delta").load(ctx.tables().location(table))
                .filter(col(RUN_COLUMN).equalTo(ctx.runId())).count());
    }
}
