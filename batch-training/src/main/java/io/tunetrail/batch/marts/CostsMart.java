package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart_costs_daily}: per org, UTC day and job kind, the measured runs of costly work, their CPU seconds and what
 * they cost, from PostgreSQL's {@code usage_costs} (the cost meter's rows). API calls, which are costed from the
 * billing ledger at read time, are not here: {@code GET /api/v1/costs} adds them.
 */
public final class CostsMart {
    /** What the mart reads from PostgreSQL. */
    public static final String QUERY = "SELECT org_id, day, kind, cpu_seconds, usd FROM usage_costs";

    private CostsMart() {}

    /** From rows of {@link #QUERY}. */
    public static Dataset<Row> daily(Dataset<Row> costs) {
        return costs.groupBy("org_id", "day", "kind")
                .agg(count(lit(1)).as("runs"), sum("cpu_seconds").as("cpu_seconds"), sum("usd").cast("decimal(18,8)").as("usd"))
                .select(col("org_id"), col("day").as("cost_date"), col("kind"), col("runs"), col("cpu_seconds"), col("usd"));
    }
}
