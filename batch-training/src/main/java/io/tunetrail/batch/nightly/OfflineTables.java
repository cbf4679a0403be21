package io.tunetrail.batch.nightly;

import io.delta.tables.DeltaTable;
import io.tunetrail.model.OfflineStoreLayout;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The offline store's Delta tables under one root, by their names in {@code schemas/offline-store.yaml}: read with
 * the version read, and write one partition idempotently.
 */
public final class OfflineTables {
    private final SparkSession spark;
    private final String root;
    private final OfflineStoreLayout layout;

    public OfflineTables(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root;
        this.layout = OfflineStoreLayout.load();
    }

    public String root() {
        return root;
    }

    /** Where the table lives under this root. */
    public String location(String table) {
        return layout.table(table).location(root);
    }

    public boolean exists(String table) {
        return DeltaTable.isDeltaTable(spark, location(table));
    }

    /** The table's current Delta version; -1 when it does not exist yet. */
    public long version(String table) {
        if (!exists(table)) {
            return -1;
        }
        Row last = DeltaTable.forPath(spark, location(table)).history(1).select("version").first();
        return last.getLong(0);
    }

    /**
     * The table's rows as of its current version, pinned to that version (a concurrent writer does not change what
     * this run reads). Fails with {@code whatToDo} in the message when the table does not exist.
     */
    public DeltaInput read(String table, String whatToDo) {
        if (!exists(table)) {
            throw new IllegalStateException("offline table '" + table + "' does not exist at " + location(table)
                    + "; " + whatToDo);
        }
        long version = version(table);
        Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(location(table));
        return new DeltaInput(table, version, rows);
    }

    /**
     * The table's rows as they stood at {@code instant}, by Delta time travel: pinned to the newest version committed
     * at or before it, so a run over a past day reads what that day's run read, whatever was landed since. Fails
     * with {@code whatToDo} when the table does not exist, and saying so when it had no version yet at that time.
     */
    public DeltaInput readAsOf(String table, Instant instant, String whatToDo) {
        if (!exists(table)) {
            throw new IllegalStateException("offline table '" + table + "' does not exist at " + location(table)
                    + "; " + whatToDo);
        }
        Row newest = DeltaTable.forPath(spark, location(table)).history()
                .filter(functions.col("timestamp").leq(functions.lit(Timestamp.from(instant))))
                .agg(functions.max("version")).first();
        if (newest.isNullAt(0)) {
            throw new IllegalArgumentException("offline table '" + table + "' had no version yet at " + instant
                    + " (its first commit is later); choose a later --as-of date");
        }
        long version = newest.getLong(0);
        Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(location(table));
        return new DeltaInput(table, version, rows);
    }

    /**
     * Replaces the rows of one partition (e.g. {@code org_id = acme, model_version = 1.3}) with {@code rows}, in one
     * Delta commit ({@code replaceWhere}); creates the table, partitioned as the layout says, on first write. Running
     * it twice with the same rows leaves the same table, so a job re-run after a failure does not duplicate.
     * {@code rows} must hold only the partition's values in those columns (Delta refuses the write otherwise).
     *
     * @return the table's Delta version after the write
     */
    public long replacePartition(String table, Dataset<Row> rows, Map<String, String> partition) {
        OfflineStoreLayout.Table t = layout.table(table);
        String predicate = partition.entrySet().stream()
                .map(e -> e.getKey() + " = '" + e.getValue().replace("'", "''") + "'")
                .collect(Collectors.joining(" AND "));
        rows.write().format("delta")
                .mode(SaveMode.Overwrite)
                .option("replaceWhere", predicate)
                .partitionBy(t.partitionBy().toArray(String[]::new))
                .save(t.location(root));
        return version(table);
    }

    /**
     * {@code rows} with {@code org_id, model_version, run_id} in front: the columns every versioned model table starts
     * with (its partition columns and the run that wrote it).
     */
    public static Dataset<Row> versioned(Dataset<Row> rows, String org, String modelVersion, String runId) {
        String[] cols = rows.columns();
        String[] order = new String[cols.length + 3];
        order[0] = "org_id";
        order[1] = "model_version";
        order[2] = "run_id";
        System.arraycopy(cols, 0, order, 3, cols.length);
        return rows.withColumn("org_id", functions.lit(org)).withColumn("model_version", functions.lit(modelVersion))
                .withColumn("run_id", functions.lit(runId)).selectExpr(order);
    }
}
