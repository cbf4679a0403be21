package io.tunetrail.batch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.tunetrail.batch.testing.LocalSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Type 2 history on a small Delta table: first versions, changes, deletions, re-runs that change nothing, one org at a time. */
class SlowlyChangingTableTest {
    private static final StructType TRACKS = new StructType().add("org_id", DataTypes.StringType)
            .add("track_id", DataTypes.StringType).add("title", DataTypes.StringType)
            .add("popularity", DataTypes.IntegerType).add("genre_ids", DataTypes.createArrayType(DataTypes.StringType));
    private static final Instant DAY1 = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-03-02T02:00:00Z");
    private static final Instant DAY3 = Instant.parse("2026-03-03T02:00:00Z");

    private final SparkSession spark = LocalSpark.get();
    @TempDir
    Path dir;
    private SlowlyChangingTable table;

    @BeforeEach
    void table() {
        table = new SlowlyChangingTable(spark, dir.resolve("catalog_tracks").toString(), List.of("org_id", "track_id"));
    }

    @Test
    void firstVersionsHoldFromTheBeginningAndARerunOnTheSameSnapshotWritesNothing() {
        Dataset<Row> snapshot = snapshot(row("a", "t1", "One", 10, "rock"), row("a", "t2", "Two", null), row("b", "t1", "Other", 5));

        assertThat(table.apply(snapshot, DAY1, Optional.empty())).isEqualTo(new SlowlyChangingTable.Changes(3, 0, 0));
        long version = version();
        assertThat(table.apply(snapshot, DAY2, Optional.empty())).isEqualTo(new SlowlyChangingTable.Changes(0, 0, 0));

        assertThat(version()).as("no commit").isEqualTo(version);
        assertThat(rows()).containsExactly(
                "a t1 One 10 [rock] 1970-01-01T00:00:00Z - true",
                "a t2 Two null [] 1970-01-01T00:00:00Z - true",
                "b t1 Other 5 [] 1970-01-01T00:00:00Z - true");
    }

    @Test
    void aChangeClosesTheCurrentVersionAndOpensANewOneADeletionClosesAReturnOpensAgain() {
        table.apply(snapshot(row("a", "t1", "One", 10, "rock"), row("a", "t2", "Two", 3)), DAY1, Optional.empty());

        // popularity becoming null is a change too (null-safe comparison)
        SlowlyChangingTable.Changes second = table.apply(snapshot(row("a", "t1", "One", null, "rock")), DAY2, Optional.empty());
        SlowlyChangingTable.Changes third = table.apply(snapshot(row("a", "t1", "One", null, "rock"), row("a", "t2", "Two", 3)),
                DAY3, Optional.empty());

        assertThat(second).isEqualTo(new SlowlyChangingTable.Changes(0, 1, 1));
        assertThat(third).isEqualTo(new SlowlyChangingTable.Changes(1, 0, 0));
        assertThat(rows()).containsExactly(
                "a t1 One 10 [rock] 1970-01-01T00:00:00Z 2026-03-02T02:00:00Z false",
                "a t1 One null [rock] 2026-03-02T02:00:00Z - true",
                "a t2 Two 3 [] 1970-01-01T00:00:00Z 2026-03-02T02:00:00Z false",
                "a t2 Two 3 [] 2026-03-03T02:00:00Z - true");
    }

    @Test
    void aSnapshotOfOneOrgLeavesTheOtherOrgsCurrentRowsAlone() {
        table.apply(snapshot(row("a", "t1", "One", 1), row("b", "t1", "Other", 1)), DAY1, Optional.empty());

        SlowlyChangingTable.Changes onlyA = table.apply(snapshot(row("a", "t1", "One", 2)), DAY2, Optional.of("a"));

        assertThat(onlyA).isEqualTo(new SlowlyChangingTable.Changes(0, 1, 0));
        assertThat(rows()).containsExactly(
                "a t1 One 1 [] 1970-01-01T00:00:00Z 2026-03-02T02:00:00Z false",
                "a t1 One 2 [] 2026-03-02T02:00:00Z - true",
                "b t1 Other 1 [] 1970-01-01T00:00:00Z - true");
    }

    private Dataset<Row> snapshot(Row... rows) {
        return spark.createDataFrame(List.of(rows), TRACKS);
    }

    private static Row row(String org, String track, String title, Integer popularity, String... genres) {
        return RowFactory.create(org, track, title, popularity, scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(genres)).toList());
    }

    private long version() {
        return DeltaTable.forPath(spark, dir.resolve("catalog_tracks").toString()).history(1).select("version").first().getLong(0);
    }

    private List<String> rows() {
        return spark.read().format("delta").load(dir.resolve("catalog_tracks").toString())
                .orderBy("org_id", "track_id", "valid_from").collectAsList().stream()
                .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2) + " " + r.get(3) + " "
                        + r.getList(4) + " " + instant(r.getTimestamp(5)) + " " + (r.isNullAt(6) ? "-" : instant(r.getTimestamp(6)))
                        + " " + r.getBoolean(7))
                .toList();
    }

    private static String instant(Timestamp t) {
        return t.toInstant().toString();
    }
}
