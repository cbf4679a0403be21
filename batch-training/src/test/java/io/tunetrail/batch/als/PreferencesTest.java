package io.tunetrail.batch.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.EventType;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Preferences on a frame small enough to check by hand. */
class PreferencesTest {
    private static final StructType EVENTS = new StructType()
            .add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("track_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
            .add("count", DataTypes.IntegerType);
    private static final StructType PREFS = new StructType()
            .add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("track_id", DataTypes.StringType).add("preference", DataTypes.DoubleType)
            .add("events", DataTypes.LongType);

    private final SparkSession spark = LocalSpark.get();

    private Dataset<Row> events() {
        return spark.createDataFrame(List.of(
                RowFactory.create("o", "u1", "t1", "play", 3),       // 3 plays
                RowFactory.create("o", "u1", "t1", "complete", 1),   // + 2
                RowFactory.create("o", "u1", "t1", "like", null),    // + 4 (count null = 1)
                RowFactory.create("o", "u1", "t2", "skip", 2),       // -2
                RowFactory.create("o", "u1", "t3", "play", 1),       // +1 ...
                RowFactory.create("o", "u1", "t3", "skip", 1),       // ... -1: cancels out, dropped
                RowFactory.create("o", "u2", "t1", "add_to_playlist", 1),
                RowFactory.create("p", "u1", "t1", "play", 1)), EVENTS);
    }

    @Test
    void sumsWeightedEventsPerListenerAndTrackAndKeepsNegatives() {
        Preferences prefs = new Preferences(Preferences.parseWeights("play:1,complete:2,like:4,add_to_playlist:3,skip:-1"), false);
        Dataset<Row> expected = spark.createDataFrame(List.of(
                RowFactory.create("o", "u1", "t1", 9.0, 3L),
                RowFactory.create("o", "u1", "t2", -2.0, 1L),
                RowFactory.create("o", "u2", "t1", 3.0, 1L),
                RowFactory.create("p", "u1", "t1", 1.0, 1L)), PREFS);
        LocalSpark.assertSameRows(expected, prefs.compute(events()));
    }

    @Test
    void logScaleKeepsTheSign() {
        Preferences prefs = new Preferences(Map.of(EventType.PLAY, 1.0, EventType.SKIP, -1.0), true);
        Map<String, Double> byTrack = new java.util.HashMap<>();
        prefs.compute(events()).filter("org_id = 'o' AND user_id = 'u1'").collectAsList()
                .forEach(r -> byTrack.put(r.getString(2), r.getDouble(3)));
        assertThat(byTrack).containsOnlyKeys("t1", "t2");
        assertThat(byTrack.get("t1")).isCloseTo(Math.log1p(3), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(byTrack.get("t2")).isCloseTo(-Math.log1p(2), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void badWeightsNameTheKeyAndTheEntry() {
        assertThatThrownBy(() -> Preferences.parseWeights("play:1,stream:2"))
                .hasMessageContaining("batch.als.confidence-weights").hasMessageContaining("stream:2");
        assertThatThrownBy(() -> Preferences.parseWeights("play=1")).hasMessageContaining("play=1");
    }
}
