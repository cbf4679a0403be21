package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tunetrail.batch.costs.StorageMeter;
import io.tunetrail.batch.nightly.DeltaInput;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Ids;
import io.tunetrail.store.alerts.CostCapAlerts;
import io.tunetrail.store.registry.ModelCanaries;
import io.tunetrail.store.registry.ModelSwitch;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes the BI marts from the offline store: {@code mart_listening_daily} and {@code mart_listener_retention} (from
 * the run's interactions snapshot), {@code mart_usage_daily} (from the landed usage events, the API's refusals in
 * PostgreSQL and the orgs' plans), {@code mart_model_quality} (from {@code model_metrics}, so it runs after evaluate),
 * {@code mart_model_arms_daily} (today's snapshot of the running A/B experiments' and canaries' arm outcomes, from
 * PostgreSQL and the online store), {@code mart_costs_daily} (from PostgreSQL's {@code usage_costs}, after recording
 * each org's storage of the day there: {@link StorageMeter}) and
 * {@code mart_revenue_monthly} (the run's month, from PostgreSQL's orgs, subscriptions and ledger, in runs over every
 * org only). Each mart is recomputed whole for the run's orgs and replaces their partitions (the arms: the day's), so
 * a re-run writes the same rows. A mart whose source table does not exist yet (no usage landed, nothing evaluated) is
 * skipped and the result says so.
 */
public final class MartsJob implements NightlyJob {
    public static final String NAME = "marts";
    /** The run that wrote a mart row (model_quality's own run_id is the evaluation's). */
    public static final String RUN_COLUMN = "mart_run_id";
    /** The A/B arms' daily snapshots ({@link ArmOutcomesMart}). */
    public static final String ARMS = "mart_model_arms_daily";

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
            Dataset<Row> refusals = PostgresQuery.rows(ctx.spark(), ctx.config(), UsageMart.REFUSALS_QUERY);
            write(ctx, "mart_usage_daily", UsageMart.daily(u.rows(), forOrg(ctx, refusals), plans), outputs, figures);
        });

        Optional<DeltaInput> metrics = source(ctx, "model_metrics", figures);
        metrics.ifPresent(m -> {
            inputs.put(m.table(), m.version());
            write(ctx, "mart_model_quality", ModelQualityMart.of(m.rows()), outputs, figures);
        });

        // The counters have no history: today's snapshot of them, whatever day the run is for.
        LocalDate today = LocalDate.now(ctx.clock().withZone(ZoneOffset.UTC));
        writeDay(ctx, ARMS, ArmOutcomesMart.rows(ctx.spark(), ArmOutcomesMart.arms(ctx.dataSource(), canaries(ctx), ctx.onlineStore(),
                ctx.orgFilter()), today, ctx.clock().instant()), today, outputs, figures);

        write(ctx, "mart_listener_retention", RetentionMart.weekly(interactions.rows()), outputs, figures);
        // Storage before the costs mart, so the mart has today's storage rows too.
        Map<String, StorageMeter.Stored> stored = StorageMeter.measure(ctx.spark(), ctx.tables().root(), ctx.dataSource(), ctx.orgFilter());
        List<String> unrecorded = StorageMeter.record(CostCapAlerts.alertingMeter(ctx.dataSource(), PlanCatalog.load(), CostCatalog.load(),
                ctx.clock()), stored);
        figures.put("storage_orgs", stored.size() - unrecorded.size());
        if (!unrecorded.isEmpty()) {
            // The marts matter more than a cost row; the figures say which are missing.
            figures.put("storage_not_recorded", String.join(", ", unrecorded));
        }
        Dataset<Row> costs = PostgresQuery.rows(ctx.spark(), ctx.config(), CostsMart.QUERY);
        write(ctx, "mart_costs_daily", CostsMart.daily(forOrg(ctx, costs)), outputs, figures);
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

    static ModelCanaries canaries(NightlyContext ctx) {
        return new ModelCanaries(ctx.dataSource(), ctx.registry(), new ModelSwitch(ctx.dataSource(), ctx.registry(), ctx.onlineStore()),
                ctx.onlineStore(), ctx.clock(), ModelCanaries.MIN_JUDGED);
    }

    /** The table limited to the run's org filter; empty (and said in the figures) when it does not exist yet. */
    private static Optional<DeltaInput> source(NightlyContext ctx, String table, Map<String, Object> figures) {
        if (!ctx.tables().exists(table)) {
            figures.put(table, "missing, its mart skipped");
            return Optional.empty();
        }
        DeltaInput in = ctx.tables().read(table, "");
        return Optional.of(new DeltaInput(in.table(), in.version(), forOrg(ctx, in.rows())));
    }

    /** The rows of the run's org only, in a run for one org ({@code --org}). */
    private static Dataset<Row> forOrg(NightlyContext ctx, Dataset<Row> rows) {
        return ctx.orgFilter().map(o -> rows.filter(col("org_id").equalTo(o))).orElse(rows);
    }

    /**
     * Replaces {@code day}'s rows (of the run's org only, in a run for one org) and keeps the other days: for snapshots of
     * state that keeps no history elsewhere.
     */
    static void writeDay(NightlyContext ctx, String table, Dataset<Row> rows, LocalDate day, Map<String, Long> outputs,
            Map<String, Object> figures) {
        // A LocalDate and an id of the platform's id rule, which admits no quote: nothing here can carry SQL.
        ctx.orgFilter().filter(o -> !Ids.isValid(o)).ifPresent(o -> {
            throw new IllegalArgumentException("'" + o + "' is not an org id");
        });
        String where = "snapshot_date = DATE'" + day + "'" + ctx.orgFilter().map(o -> " AND org_id = '" + o + "'").orElse("");
        rows.withColumn(RUN_COLUMN, lit(ctx.runId())).write().format("delta").mode(SaveMode.Overwrite)
                .option("replaceWhere", where)
                .partitionBy("org_id", "snapshot_date")
                .save(ctx.tables().location(table));
        outputs.put(table, ctx.tables().version(table));
        figures.put(table + "_rows", ctx.spark().read().format("delta").load(ctx.tables().location(table))
                .filter(col(RUN_COLUMN).equalTo(ctx.runId())).count());
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
