package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import io.tunetrail.store.usage.UsageLedgerRow;
import io.tunetrail.store.usage.UsageLedgerRow.Period;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Publishes the billing ledger: sums the landed daily usage ({@code usage_daily} in Delta, written by the streaming
 * usage-counters job through the lander) per org, API key and resource, per UTC day and per calendar month, into
 * PostgreSQL's {@code usage_ledger}, for the org-months a landing touched.
 *
 * <p>Why from Delta and not from the stream: Delta holds each closed day exactly once (the lander upserts on the
 * window's key), so the ledger is a pure function of it and a re-run rewrites the same totals. A month is recomputed
 * whole from its days, so a late correction of one day also corrects the month. Today's running totals are in Redis
 * (the streaming ledger); this table holds closed days, as invoices need.
 */
public final class UsageLedgerPublisher {
    /** One org's calendar month: the unit the ledger is recomputed in. */
    public record OrgMonth(String orgId, LocalDate month) {}

    private static final StructType ORG_MONTHS = new StructType().add("org_id", DataTypes.StringType).add("month", DataTypes.DateType);

    private final SparkSession spark;
    private final UsageLedgerStore store;

    public UsageLedgerPublisher(SparkSession spark, UsageLedgerStore store) {
        this.spark = spark;
        this.store = store;
    }

    /** The org-months that rows of {@code usage_daily} fall in. */
    static List<OrgMonth> monthsOf(Dataset<Row> usageDaily) {
        return usageDaily.select(col("org_id"), trunc(col("usage_date"), "month").as("month")).distinct().collectAsList().stream()
                .map(r -> new OrgMonth(r.getString(0), r.getDate(1).toLocalDate())).toList();
    }

    /** Recomputes the ledger rows of {@code months} from the {@code usage_daily} table at {@code location}. */
    public UsageLedgerStore.Written publish(String location, Collection<OrgMonth> months) {
        if (months.isEmpty()) {
            return new UsageLedgerStore.Written(0, 0, 0, List.of());
        }
        List<Row> keys = months.stream().map(m -> RowFactory.create(m.orgId(), Date.valueOf(m.month()))).toList();
        Dataset<Row> daily = spark.read().format("delta").load(location)
                .withColumn("month", trunc(col("usage_date"), "month"))
                .join(broadcast(spark.createDataFrame(keys, ORG_MONTHS)), List.of("org_id", "month").toArray(new String[0]))
                .cache();
        try {
            List<UsageLedgerRow> rows = new ArrayList<>();
            daily.groupBy("org_id", "api_key_id", "resource", "usage_date").agg(sum("units")).collectAsList()
                    .forEach(r -> rows.add(row(r, Period.DAY)));
            daily.groupBy("org_id", "api_key_id", "resource", "month").agg(sum("units")).collectAsList()
                    .forEach(r -> rows.add(row(r, Period.MONTH)));
            return store.write(rows);
        } finally {
            daily.unpersist();
        }
    }

    private static UsageLedgerRow row(Row r, Period period) {
        return new UsageLedgerRow(r.getString(0), r.isNullAt(1) ? null : r.getString(1), r.getString(2), period,
                r.getDate(3).toLocalDate(), r.getLong(4));
    }
}
