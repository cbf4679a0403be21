package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.model.PlanCatalog;
import java.sql.Date;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * {@code mart_revenue_monthly}: per month and plan, the orgs on the plan, the paying ones and their monthly recurring
 * revenue at the plan's list price ({@code monthly_price_usd} of config/plans.yaml), and the month's metered units per
 * resource from the billing ledger ({@code usage_ledger}). An org pays when it is a cloud org on a plan with a price
 * above 0 whose Stripe subscription (the state the Stripe webhooks keep, {@code stripe_subscription_state}) is
 * {@value #ACTIVE} or {@value #PAST_DUE}. Plans and subscriptions have no history, so a month's row is the state when
 * its last nightly run wrote it.
 */
public final class RevenueMart {
    static final String ACTIVE = "active";
    static final String PAST_DUE = "past_due";
    /** The orgs, their plans and subscription status, read from PostgreSQL. */
    public static final String ORGS_QUERY = "SELECT o.org_id, o.plan_id, o.edition, s.status AS subscription_status FROM organisations o "
            + "LEFT JOIN stripe_subscription_state s ON s.subscription_id = o.stripe_subscription_id";

    private RevenueMart() {}

    /** The month's ledger totals per org and resource, read from PostgreSQL. */
    public static String ledgerQuery(YearMonth month) {
        // The date comes from a YearMonth, never from input: it cannot carry SQL.
        return "SELECT org_id, resource, sum(units) AS units FROM usage_ledger WHERE period = 'month' AND period_start = DATE '"
                + month.atDay(1) + "' GROUP BY org_id, resource";
    }

    /** {@code plan_id, list_price_usd} for every plan of the catalog (null price: not sold). */
    public static Dataset<Row> prices(SparkSession spark, PlanCatalog plans) {
        List<Row> rows = new ArrayList<>();
        plans.plans().forEach(p -> rows.add(RowFactory.create(p.id(), p.monthlyPriceUsd())));
        StructType schema = new StructType().add("plan_id", DataTypes.StringType).add("list_price_usd", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema);
    }

    /** From rows of {@link #ORGS_QUERY}, {@link #ledgerQuery} and {@link #prices}. */
    public static Dataset<Row> monthly(YearMonth month, Dataset<Row> orgs, Dataset<Row> ledger, Dataset<Row> prices) {
        Column paying = col("edition").equalTo("cloud").and(col("list_price_usd").gt(0))
                .and(col("subscription_status").isin(ACTIVE, PAST_DUE));
        Dataset<Row> perPlan = orgs.join(prices, on("plan_id"), "left")
                .withColumn("paying", coalesce(paying, lit(false)))
                .groupBy("plan_id")
                .agg(count(lit(1)).as("orgs"), sum(when(col("paying"), 1L).otherwise(0L)).as("paying_orgs"),
                        max("list_price_usd").as("list_price_usd"),
                        sum(when(col("paying"), col("list_price_usd")).otherwise(0.0)).as("mrr_usd"));
        Dataset<Row> usage = ledger.join(orgs.select("org_id", "plan_id"), on("org_id"))
                .groupBy("plan_id", "resource").agg(sum("units").cast("long").as("units"))
                .groupBy("plan_id").agg(map_from_entries(collect_list(struct(col("resource"), col("units")))).as("metered_units"));
        return perPlan.join(usage, on("plan_id"), "left")
                .select(lit(Date.valueOf(month.atDay(1))).as("revenue_month"), col("plan_id"), col("orgs"),
                        col("paying_orgs"), col("list_price_usd"), col("mrr_usd"), col("metered_units"));
    }

    private static scala.collection.Seq<String> on(String... columns) {
        return JavaConverters.asScalaBuffer(List.of(columns)).toList();
    }
}
