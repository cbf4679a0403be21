package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.testing.LocalSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {
    private static final StructType EVENTS = new StructType()
            .add("user_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType);

    private final SparkSession spark = LocalSpark.get();

    /** u1: t0..t7 played at hours 0..7 (t3 twice, the second time last of all); u2: one track. */
    private Dataset<Row> events() {
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            rows.add(RowFactory.create("u1", "t" + t, Timestamp.valueOf("2026-01-01 0" + t + ":00:00")));
        }
        rows.add(RowFactory.create("u1", "t3", Timestamp.valueOf("2026-01-01 09:00:00")));
        rows.add(RowFactory.create("u2", "t0", Timestamp.valueOf("2026-01-01 00:00:00")));
        return spark.createDataFrame(rows, EVENTS);
    }

    private static Set<String> heldOut(Dataset<Row> pairs, String user) {
        return pairs.filter("NOT train AND user_id = '" + user + "'").collectAsList().stream()
                .map(r -> r.getString(1)).collect(Collectors.toSet());
    }

    @Test
    void timeSplitHoldsOutEachListenersLatestTracks() {
        Dataset<Row> pairs = new HoldoutSplit(HoldoutSplit.Kind.TIME, 0.75, 1).pairs(events());
        // 8 tracks, ceil(0.75 * 8) = 6 train; by last time the order is t0 t1 t2 t4 t5 t6 t7 t3
        assertThat(heldOut(pairs, "u1")).containsExactlyInAnyOrder("t7", "t3");
        assertThat(heldOut(pairs, "u2")).isEmpty();
        assertThat(pairs.count()).isEqualTo(9);
    }

    @Test
    void stratifiedSplitIsSeededAndKeepsTheRatioPerListener() {
        Dataset<Row> a = new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, 42).pairs(events());
        Dataset<Row> again = new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, 42).pairs(events());
        assertThat(heldOut(a, "u1")).hasSize(2).isEqualTo(heldOut(again, "u1"));
        assertThat(heldOut(a, "u2")).isEmpty();
        boolean someSeedDiffers = false;
        for (long seed = 1; seed < 6 && !someSeedDiffers; seed++) {
            someSeedDiffers = !heldOut(new HoldoutSplit(HoldoutSplit.Kind.STRATIFIED, 0.75, seed).pairs(events()), "u1")
                    .equals(heldOut(a, "u1"));
        }
        assertThat(someSeedDiffers).as("another seed gives another split").isTrue();
    }

    @Test
    void refusesRatiosOutsideZeroToOneAndUnknownKinds() {
        assertThatThrownBy(() -> new HoldoutSplit(HoldoutSplit.Kind.TIME, 1.0, 1)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> HoldoutSplit.Kind.parse("random")).hasMessageContaining("stratified or time");
    }
}
