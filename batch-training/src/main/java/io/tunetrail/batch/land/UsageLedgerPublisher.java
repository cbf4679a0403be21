package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.usage.LedgerDirtyMonths;
import io.tunetrail.store.usage.OrgMonth;
import io.tunetrail.store.usage.UsageLedgerRow;
import io.tunetrail.store.usage.UsageLedgerRow.Period;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.sql.Date;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the billing ledger: sums the landed daily usage ({@code usage_daily} in Delta, written by the streaming
 * usage-counters job through the lander) per org, API key and resource, per UTC day and per calendar month, into
 * PostgreSQL's {@code usage_ledger}, for the org-months a landing touched.
 *
 * <p>Which months those are is kept in PostgreSQL ({@link LedgerDirtyMonths}): {@link #markChanged} before a batch of
 * days changes Delta, {@link #publishPending} after landing, clearing each mark with its month's rows. A run that
 * dies in between leaves its marks for the next run, which recomputes those months even if it lands nothing.
 *
 * <p>Why from Delta and not from the stream: Delta holds each closed day exactly once (the lander upserts on the
 * window's key), so the ledger is a pure function of it and a re-run rewrites the same totals. A month is recomputed
 * whole from its days, so a late correction of one day also corrects the month. Today's running totals are in Redis
 * (the streaming ledger); this table holds closed days, as invoices need.
 */
public final class UsageLedgerPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLedgerPublisher.class);
    private static final StructType ORG_MONTHS = new StructType().add("org_id", DataTypes.StringType).add("month", DataTypes.DateType);

    private final SparkSession spark;
    private final DataSource db;
    private final UsageLedgerStore store;
    private final CostMeter costs;
    // This run's months, marked or not: months of orgs the database does not know get no mark, yet their rows are
    // still counted as unknown when this run publishes.
    private final Set<OrgMonth> changedThisRun = ConcurrentHashMap.newKeySet();

    /** A publisher that writes the ledger only (no cost-cap alerts: for tests of the ledger alone). */
    public UsageLedgerPublisher(SparkSession spark, DataSource db) {
        this(spark, db, null);
    }

    /**
     * @param db    PostgreSQL, which holds the ledger and the marks of the months owed a recomputation
     * @param costs the cost meter whose cap thresholds each published org-month is checked against: the API calls of
     *              the closed days are priced from the ledger, so a month can reach its cap here, not in the meter
     */
    public UsageLedgerPublisher(SparkSession spark, DataSource db, CostMeter costs) {
        this.spark = spark;
        this.db = db;
        this.store = new UsageLedgerStore(db);
        this.costs = costs;
    }

    /**
     * Marks the org-months of {@code rows} as owed a recomputation from the {@code usage_daily} table at
     * {@code location}; call it before the rows reach that table.
     */
    void markChanged(String location, Dataset<Row> rows) {
        List<OrgMonth> months = monthsOf(rows);
        new LedgerDirtyMonths(db, location).mark(months);
        changedThisRun.addAll(months);
    }

    /** Recomputes every marked month (this run's and those a crashed run left) from {@code location} and clears them. */
    public UsageLedgerStore.Written publishPending(String location) {
        LedgerDirtyMonths marks = new LedgerDirtyMonths(db, location);
        Set<OrgMonth> months = new LinkedHashSet<>(marks.pending());
        months.addAll(changedThisRun);
        return publish(location, marks, months);
    }

    /** The org-months that rows of {@code usage_daily} fall in. */
    static List<OrgMonth> monthsOf(Dataset<Row> usageDaily) {
        return usageDaily.select(col("org_id"), trunc(col("usage_date"), "month").as("month")).distinct().collectAsList().stream()
                .map(r -> new OrgMonth(r.getString(0), r.getDate(1).toLocalDate())).toList();
    }

    /**
     * Recomputes the ledger rows of {@code months} from the {@code usage_daily} table at {@code location}, and clears
     * their marks in the same transaction.
     */
    private UsageLedgerStore.Written publish(String location, LedgerDirtyMonths marks, Collection<OrgMonth> months) {
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
            UsageLedgerStore.Written written = store.write(rows, marks, months);
            alertCapsReached(months);
            return written;
        } finally {
            daily.unpersist();
        }
    }

    /** After the ledger's commit; an alert that cannot be written is logged, never undoes or fails the landing. */
    private void alertCapsReached(Collection<OrgMonth> months) {
        if (costs == null) {
            return;
        }
        for (OrgMonth m : months) {
            try {
                costs.recheckMonth(m.orgId(), YearMonth.from(m.month()));
            } catch (StoreException e) {
                LOG.error("could not check the cost cap of org {} for {} after publishing its ledger: {}", m.orgId(), m.month(), e.getMessage());
            }
        }
    }

    private static UsageLedgerRow row(Row r, Period period) {
        return new UsageLedgerRow(r.getString(0), r.isNullAt(1) ? null : r.getString(1), r.getString(2), period,
                r.getDate(3).toLocalDate(), r.getLong(4));
    }
}
