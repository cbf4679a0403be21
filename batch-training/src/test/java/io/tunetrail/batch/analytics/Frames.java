package io.tunetrail.batch.analytics;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small hand-made input frames with the columns of the raw interactions table and of the catalog snapshot. */
final class Frames {
    static final StructType INTERACTIONS = new StructType()
            .add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("track_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
            .add("played_ms", DataTypes.LongType).add("track_duration_ms", DataTypes.LongType)
            .add("event_time", DataTypes.TimestampType)
            .add("context", new StructType().add("device", DataTypes.StringType).add("activity", DataTypes.StringType))
            .add("client_event_id", DataTypes.StringType).add("count", DataTypes.IntegerType);

    static final StructType CATALOG = new StructType()
            .add("org_id", DataTypes.StringType).add("track_id", DataTypes.StringType)
            .add("artist_id", DataTypes.StringType).add("popularity", DataTypes.IntegerType)
            .add("duration_ms", DataTypes.LongType)
            .add("genres", DataTypes.createArrayType(DataTypes.StringType))
            .add("top_genre_ids", DataTypes.createArrayType(DataTypes.StringType))
            .add("tempo", DataTypes.DoubleType).add("key", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
            .add("time_signature", DataTypes.IntegerType).add("loudness", DataTypes.DoubleType)
            .add("energy", DataTypes.DoubleType).add("danceability", DataTypes.DoubleType)
            .add("valence", DataTypes.DoubleType).add("acousticness", DataTypes.DoubleType)
            .add("instrumentalness", DataTypes.DoubleType).add("liveness", DataTypes.DoubleType)
            .add("speechiness", DataTypes.DoubleType);

    /** Builds interaction rows; event ids are numbered in the order rows are added. */
    static final class Events {
        private final List<Row> rows = new ArrayList<>();

        Events add(String org, String user, String track, String type, String time, String activity) {
            return add(org, user, track, type, time, activity, 120_000L, 1);
        }

        Events add(String org, String user, String track, String type, String time, String activity, long playedMs, int count) {
            rows.add(RowFactory.create(org, user, track, type, playedMs, 180_000L, Timestamp.from(Instant.parse(time)),
                    RowFactory.create("mobile", activity), "e" + rows.size(), count));
            return this;
        }

        Dataset<Row> frame(SparkSession spark) {
            return spark.createDataFrame(rows, INTERACTIONS);
        }
    }

    /** Builds catalog rows. */
    static final class Catalog {
        private final List<Row> rows = new ArrayList<>();

        /** A track with genres and the given features; the rest of its features fixed. */
        Catalog track(String org, String track, List<String> genres, List<String> topGenres, Double energy, Double tempo) {
            return track(org, track, genres, topGenres, energy, tempo, 0.5);
        }

        Catalog track(String org, String track, List<String> genres, List<String> topGenres, Double energy, Double tempo,
                      Double valence) {
            boolean none = energy == null;
            rows.add(RowFactory.create(org, track, "artist", 50, 180_000L, genres, topGenres,
                    tempo, none ? null : 5, none ? null : 1, none ? null : 4, none ? null : -8.0, energy,
                    none ? null : 0.6, none ? null : valence, none ? null : 0.2, none ? null : 0.1, none ? null : 0.1,
                    none ? null : 0.05));
            return this;
        }

        Dataset<Row> frame(SparkSession spark) {
            return spark.createDataFrame(rows, CATALOG);
        }
    }

    private Frames() {}
}
