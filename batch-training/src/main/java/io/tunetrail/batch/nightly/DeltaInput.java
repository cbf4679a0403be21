package io.tunetrail.batch.nightly;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An input a job read: its rows and where they came from, so the job can record the snapshot it trained on.
 *
 * @param table offline table name (schemas/offline-store.yaml), or {@code postgres:<table>} for catalog reads
 * @param version the Delta version read (time travel: {@code versionAsOf}); -1 when the source is not a Delta table
 * @param rows the rows, already filtered to the context's orgs
 */
public record DeltaInput(String table, long version, Dataset<Row> rows) {}
