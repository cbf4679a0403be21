package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.JavaConverters;

/**
 * {@code mart_usage_daily}: per org, UTC day, API key, metered resource and the org's plan, the metered requests and
 * units (from the raw {@code usage} events, which are what the API metered) and the calls the API refused with 402 or
 * 429 (which are metered nowhere: the API counts them per route class and reason in PostgreSQL's
 * {@code api_refusals_daily}). A key's day with refusals only has a row with 0 requests.
 */
public final class UsageMart {
    /** The refusals the mart reads from PostgreSQL. */
    public static final String REFUSALS_QUERY = "SELECT org_id, day, api_key_id, route_class, reason, status, refusals FROM api_refusals_daily";

    private UsageMart() {}

    /**
     * {@code usage}: rows of the raw {@code usage} table; {@code refusals}: rows of {@link #REFUSALS_QUERY};
     * {@code plans}: {@code org_id, plan_id} (the org's plan now, from PostgreSQL). An org missing from {@code plans} keeps
     * its rows with a null plan.
     */
    public static Dataset<Row> daily(Dataset<Row> usage, Dataset<Row> refusals, Dataset<Row> plans) {
        Dataset<Row> metered = usage.groupBy("org_id", "event_date", "api_key_id", "resource")
                .agg(count_distinct(col("request_id")).as("requests"), sum("units").as("units"),
                        min("event_time").as("first_request_at"), max("event_time").as("last_request_at"))
                .select(col("org_id"), col("event_date").as("usage_date"), col("api_key_id"), col("resource"), col("requests"),
                        col("units"), col("first_request_at"), col("last_request_at"), lit(0L).as("refused_402"), lit(0L).as("refused_429"),
                        lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType)).as("refusal_reasons"));
        Dataset<Row> refused = refusals
                .groupBy(col("org_id"), col("day").as("usage_date"), col("api_key_id"), col("route_class").as("resource"), col("reason"))
                .agg(sum(when(col("status").equalTo(402), col("refusals")).otherwise(0L)).cast("long").as("refused_402"),
                        sum(when(col("status").equalTo(429), col("refusals")).otherwise(0L)).cast("long").as("refused_429"),
                        sum("refusals").cast("long").as("n"))
                .groupBy("org_id", "usage_date", "api_key_id", "resource")
                .agg(sum("refused_402").as("refused_402"), sum("refused_429").as("refused_429"),
                        map_from_entries(collect_list(struct(col("reason"), col("n")))).as("refusal_reasons"))
                .select(col("org_id"), col("usage_date"), col("api_key_id"), col("resource"), lit(0L).as("requests"), lit(0L).as("units"),
                        lit(null).cast("timestamp").as("first_request_at"), lit(null).cast("timestamp").as("last_request_at"),
                        col("refused_402"), col("refused_429"), col("refusal_reasons"));
        // A key's day and resource has at most one row of each side: max and the first non-null merge them.
        return metered.unionByName(refused)
                .groupBy("org_id", "usage_date", "api_key_id", "resource")
                .agg(max("requests").as("requests"), max("units").as("units"), min("first_request_at").as("first_request_at"),
                        max("last_request_at").as("last_request_at"), max("refused_402").as("refused_402"),
                        max("refused_429").as("refused_429"), first("refusal_reasons", true).as("refusal_reasons"))
                .join(plans, JavaConverters.asScalaBuffer(List.of("org_id")).toList(), "left")
                .select(col("org_id"), col("usage_date"), col("api_key_id"), col("resource"), col("plan_id"), col("requests"),
                        col("units"), col("first_request_at"), col("last_request_at"), col("refused_402"), col("refused_429"),
                        col("refusal_reasons"));
    }
}
