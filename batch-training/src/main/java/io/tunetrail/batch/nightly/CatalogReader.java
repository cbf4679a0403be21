package io.tunetrail.batch.nightly;

import io.tunetrail.model.PlatformConfig;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the catalog's tracks, their genres and audio features from PostgreSQL with Spark's JDBC source: one query,
 * the genres aggregated in catalog order (position 0 = primary genre).
 */
final class CatalogReader {
    private static final String QUERY = """
            SELECT t.org_id, t.track_id, t.artist_id, t.duration_ms, t.popularity,
                   COALESCE((SELECT array_agg(g.genre_id ORDER BY g.position) FROM track_genres g
                             WHERE g.org_id = t.org_id AND g.track_id = t.track_id), ARRAY[]::text[]) AS genres,
                   a.tempo, a.key, a.mode, a.time_signature, a.loudness, a.energy, a.danceability, a.valence,
                   a.acousticness, a.instrumentalness, a.liveness, a.speechiness
            FROM tracks t LEFT JOIN audio_features a ON a.org_id = t.org_id AND a.track_id = t.track_id
            """;

    private final SparkSession spark;
    private final PlatformConfig config;

    CatalogReader(SparkSession spark, PlatformConfig config) {
        this.spark = spark;
        this.config = config;
    }

    Dataset<Row> tracks(Optional<String> org) {
        // Ids match tt_id's pattern (no quotes), but escape anyway: this text goes into SQL.
        String query = QUERY + org.map(o -> " WHERE t.org_id = '" + o.replace("'", "''") + "'").orElse("");
        return PostgresQuery.rows(spark, config, query);
    }
}
