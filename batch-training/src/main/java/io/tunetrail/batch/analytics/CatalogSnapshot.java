package io.tunetrail.batch.analytics;

import io.delta.tables.DeltaTable;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The catalog as the analytics jobs read it: one row per track with its genres and audio features, exported from
 * PostgreSQL (the catalog's home) into the offline store's {@code catalog_tracks} table before a run, so that a run
 * reads a fixed, versioned snapshot and BI can join it with the interactions.
 *
 * <p>Columns: {@code org_id, track_id, artist_id, popularity, duration_ms, genre_ids} (catalog order, subgenres
 * included), {@code top_genre_ids} (the distinct top-level ancestors of those genres, sorted), and the audio feature
 * columns of {@code audio_features} ({@code tempo, key, mode, time_signature, loudness, energy, danceability,
 * valence, acousticness, instrumentalness, liveness, speechiness}; null when the track has no features).
 */
public final class CatalogSnapshot {
    public static final String TABLE = "catalog_tracks";

    // Top-level ancestor of every genre (a genre's chain of parents ends at one with none; UNION, not UNION ALL, so a
    // malformed cycle cannot make the recursion endless).
    static final String QUERY = "WITH RECURSIVE roots (org_id, genre_id, root_id) AS ("
            + " SELECT org_id::text, genre_id::text, genre_id::text FROM genres WHERE parent_genre_id IS NULL"
            + " UNION SELECT g.org_id::text, g.genre_id::text, r.root_id FROM genres g"
            + " JOIN roots r ON g.org_id::text = r.org_id AND g.parent_genre_id::text = r.genre_id)"
            + " SELECT t.org_id::text AS org_id, t.track_id::text AS track_id, t.artist_id::text AS artist_id,"
            + " t.popularity::int AS popularity, t.duration_ms,"
            + " coalesce((SELECT array_agg(tg.genre_id::text ORDER BY tg.position) FROM track_genres tg"
            + "   WHERE tg.org_id = t.org_id AND tg.track_id = t.track_id), '{}'::text[]) AS genre_ids,"
            + " coalesce((SELECT array_agg(DISTINCT r.root_id ORDER BY r.root_id) FROM track_genres tg"
            + "   JOIN roots r ON r.org_id = tg.org_id::text AND r.genre_id = tg.genre_id::text"
            + "   WHERE tg.org_id = t.org_id AND tg.track_id = t.track_id), '{}'::text[]) AS top_genre_ids,"
            + " a.tempo, a.key::int AS key, a.mode::int AS mode, a.time_signature::int AS time_signature, a.loudness,"
            + " a.energy, a.danceability, a.valence, a.acousticness, a.instrumentalness, a.liveness, a.speechiness"
            + " FROM tracks t LEFT JOIN audio_features a ON a.org_id = t.org_id AND a.track_id = t.track_id";

    private final SparkSession spark;
    private final String storeRoot;
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    public CatalogSnapshot(SparkSession spark, String storeRoot) {
        this.spark = spark;
        this.storeRoot = storeRoot;
    }

    /** Every org's catalog, read from PostgreSQL now (JDBC, one query). */
    public Dataset<Row> readPostgres(PlatformConfig config) {
        return spark.read().format("jdbc")
                .option("url", config.jdbcUrl())
                .option("user", config.get(PlatformConfig.POSTGRES_USER))
                .option("password", config.get(PlatformConfig.POSTGRES_PASSWORD))
                .option("driver", "org.postgresql.Driver")
                .option("query", QUERY)
                .load();
    }

    /**
     * Replaces the Delta snapshot with the catalog now in PostgreSQL and returns the new Delta version. The whole
     * table is rewritten (catalogs are small next to interactions): deleted tracks disappear from it.
     */
    public long export(PlatformConfig config) {
        String location = location();
        readPostgres(config).write().format("delta").mode(SaveMode.Overwrite)
                .option("overwriteSchema", "true")
                .partitionBy(layout.table(TABLE).partitionBy().toArray(new String[0]))
                .save(location);
        return version();
    }

    /** The snapshot last exported. */
    public Dataset<Row> read() {
        return spark.read().format("delta").load(location());
    }

    public long version() {
        return DeltaTable.forPath(spark, location()).history(1).select("version").first().getLong(0);
    }

    public String location() {
        return layout.table(TABLE).location(storeRoot);
    }
}
