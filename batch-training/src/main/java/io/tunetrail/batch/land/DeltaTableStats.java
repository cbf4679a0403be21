package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Tuple2;

/**
 * Rows, orgs and version of a Delta table's current state, from Delta's own snapshot: the newest checkpoint plus the
 * commits after it, on any file system the session reaches ({@code s3a://} included), so the figures stay right after
 * Delta checkpoints (every 10 commits) and log clean-up. Rows come from the live files' statistics, which Delta writes
 * by default; only when a file has none is the table counted by reading it.
 */
public record DeltaTableStats(long rows, long orgs, long version) {

    /** Empty when there is no Delta table at {@code location}. */
    public static Optional<DeltaTableStats> read(SparkSession spark, String location) {
        Tuple2<DeltaLog, Snapshot> table = DeltaLog.forTableWithSnapshot(spark, location);
        if (!table._1().tableExists()) {
            return Optional.empty();
        }
        Snapshot snapshot = table._2();
        Column records = get_json_object(col("stats"), "$.numRecords").cast("long");
        // One pass over the live files: rows, files without statistics, and the orgs of files holding rows (null, so
        // not counted, for a file without rows or a table not partitioned by org).
        Row files = snapshot.allFiles().toDF()
                .agg(sum(records), sum(when(records.isNull(), 1).otherwise(0)),
                        countDistinct(when(records.gt(0), col("partitionValues").getItem("org_id"))))
                .first();
        long withoutStats = files.isNullAt(1) ? 0 : files.getLong(1);
        long rows;
        long orgs;
        boolean orgPartitioned = snapshot.metadata().partitionColumns().contains("org_id");
        if (withoutStats == 0 && orgPartitioned) {
            rows = files.isNullAt(0) ? 0 : files.getLong(0);
            orgs = files.getLong(2);
        } else {
            Dataset<Row> data = spark.read().format("delta").load(location);
            rows = data.count();
            orgs = Arrays.asList(data.columns()).contains("org_id")
                    ? data.agg(countDistinct(col("org_id"))).first().getLong(0) : 0;
        }
        return Optional.of(new DeltaTableStats(rows, orgs, snapshot.version()));
    }
}
