package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart_usage_daily}: per org, UTC day, API key, metered resource and the org's plan, the metered requests and
 * units. From the raw {@code usage} events, which are what the API metered: calls it refused (402, 429) are not
 * metered, so they are not here (the API counts them in its {@code tunetrail.api.refusals} metric).
 */
public final class UsageMart {
    private UsageMart() {}

    /**
     * {@code usage}: rows of the raw {@code usage} table; {@code plans}: {@code org_id, plan_id} (the org's plan now, from
     * PostgreSQL). An org missing from {@code plans} keeps its rows with a null plan.
     */
    public static Dataset<Row> daily(Dataset<Row> usage, Dataset<Row> plans) {
        return usage.groupBy("org_id", "event_date", "api_key_id", "resource")
                .agg(count_distinct(col("request_id")).as("requests"), sum("units").as("units"),
                        min("event_time").as("first_request_at"), max("event_time").as("last_request_at"))
                .join(plans, scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("org_id")).toList(), "left")
                .select(col("org_id"), col("event_date").as("usage_date"), col("api_key_id"), col("resource"),
                        col("plan_id"), col("requests"), col("units"), col("first_request_at"), col("last_request_at"));
    }
}
