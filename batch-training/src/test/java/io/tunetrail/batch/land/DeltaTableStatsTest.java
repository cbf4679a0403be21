package io.tunetrail.batch.land;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTableStatsTest {
    private static final StructType SCHEMA = new StructType().add("org_id", DataTypes.StringType).add("units", DataTypes.LongType);

    private final SparkSession spark = LocalSpark.get();

    @TempDir
    Path lake;

    @Test
    void readsTheTableStateFromTheCheckpointAndTheCommitsAfterIt() throws Exception {
        String location = lake.resolve("usage").toString();
        // A checkpoint every 2 commits instead of Delta's 10: the same Parquet checkpoint, in a third of the Spark writes.
        String checkpointInterval = "spark.databricks.delta.properties.defaults.checkpointInterval";
        spark.conf().set(checkpointInterval, "2");
        try {
            write(rows("a", 3).and("b", 2), "overwrite", null, location);
        } finally {
            spark.conf().unset(checkpointInterval);
        }
        write(rows("a", 1), "append", null, location);
        // Commit 2 replaces org b's rows: its old file is removed, the new one holds 4 rows. A checkpoint follows it.
        write(rows("b", 4), "overwrite", "org_id = 'b'", location);
        write(rows("a", 2), "append", null, location);
        Path log = lake.resolve("usage/_delta_log");
        assertThat(log.resolve("00000000000000000002.checkpoint.parquet")).exists();

        // What Delta's log clean-up does to commits older than the retention: only the checkpoint knows them now.
        Files.delete(log.resolve("00000000000000000000.json"));
        Files.delete(log.resolve("00000000000000000001.json"));
        DeltaLog.clearCache();

        assertThat(DeltaTableStats.read(spark, location)).contains(new DeltaTableStats(3 + 1 + 4 + 2, 2, 3));
        assertThat(DeltaTableStats.read(spark, lake.resolve("missing").toString())).isEmpty();
    }

    private void write(Rows rows, String mode, String replaceWhere, String location) {
        var writer = spark.createDataFrame(rows.list, SCHEMA).write().format("delta").mode(mode).partitionBy("org_id");
        if (replaceWhere != null) {
            writer = writer.option("replaceWhere", replaceWhere);
        }
        writer.save(location);
    }

    private static Rows rows(String org, int n) {
        return new Rows().and(org, n);
    }

    private static final class Rows {
        final List<Row> list = new ArrayList<>();

        Rows and(String org, int n) {
            for (int i = 0; i < n; i++) {
                list.add(RowFactory.create(org, (long) i));
            }
            return this;
        }
    }
}
