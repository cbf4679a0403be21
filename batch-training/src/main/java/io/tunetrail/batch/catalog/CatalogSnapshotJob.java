package io.tunetrail.batch.catalog;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.PostgresQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Copies the catalog from PostgreSQL into the offline store as slowly changing dimensions (type 2):
 * {@code catalog_tracks}, {@code catalog_artists} and {@code track_audio_features}, so analyses can join plays to what
 * a track was when it was played. Reads the catalog, not the landed events, so it runs before (or without) landing;
 * {@code --org} limits it to one org. Re-running it on an unchanged catalog writes nothing.
 */
public final class CatalogSnapshotJob implements NightlyJob {
    public static final String NAME = "catalog-snapshot";

    /** A dimension: its table, its key and the query that reads a full snapshot of it. */
    record Dimension(String table, List<String> key, String query) {}

    static final List<Dimension> DIMENSIONS = List.of(
            new Dimension("catalog_tracks", List.of("org_id", "track_id"), """
                    SELECT t.org_id, t.track_id, t.title, t.artist_id, t.album, t.release_year, t.duration_ms,
                           t.popularity::integer AS popularity, t.isrc,
                           COALESCE((SELECT array_agg(g.genre_id::text ORDER BY g.position) FROM track_genres g
                                     WHERE g.org_id = t.org_id AND g.track_id = t.track_id), ARRAY[]::text[]) AS genre_ids
                    FROM tracks t"""),
            new Dimension("catalog_artists", List.of("org_id", "artist_id"), """
                    SELECT a.org_id, a.artist_id, a.name FROM artists a"""),
            new Dimension("track_audio_features", List.of("org_id", "track_id"), """
                    SELECT f.org_id, f.track_id, f.tempo, f.key::integer AS key, f.mode::integer AS mode,
                           f.time_signature::integer AS time_signature, f.loudness, f.energy, f.danceability, f.valence,
                           f.acousticness, f.instrumentalness, f.liveness, f.speechiness, f.duration_ms
                    FROM audio_features f"""));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobResult run(NightlyContext ctx) {
        long start = System.nanoTime();
        Optional<String> org = ctx.orgFilter();
        Instant at = ctx.clock().instant();
        Map<String, Long> outputs = new LinkedHashMap<>();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Dimension d : DIMENSIONS) {
            // Ids match tt_id's pattern (no quotes), but escape anyway: this text goes into SQL.
            String query = org.map(o -> "SELECT * FROM (" + d.query() + ") q WHERE q.org_id = '" + o.replace("'", "''") + "'")
                    .orElse(d.query());
            Dataset<Row> snapshot = PostgresQuery.rows(ctx.spark(), ctx.config(), query).cache();
            try {
                SlowlyChangingTable.Changes changes = new SlowlyChangingTable(ctx.spark(), ctx.tables().location(d.table()),
                        d.key()).apply(snapshot, at, org);
                figures.put(d.table(), changes.asMap());
                if (ctx.tables().exists(d.table())) {
                    outputs.put(d.table(), ctx.tables().version(d.table()));
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("writing " + d.table() + " from PostgreSQL failed: " + e.getMessage(), e);
            } finally {
                snapshot.unpersist();
            }
        }
        return new JobResult(NAME, ctx.runId(), Map.of(), Map.of(), outputs, figures, (System.nanoTime() - start) / 1_000_000);
    }
}
