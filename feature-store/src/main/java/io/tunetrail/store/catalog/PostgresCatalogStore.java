package io.tunetrail.store.catalog;

import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.Track;
import io.tunetrail.store.Database;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The org catalogs in PostgreSQL: bulk load of a {@link Catalog}, row counts per table, and the reads the API needs.
 *
 * <p>Loading is an idempotent upsert in one transaction: new rows are inserted, rows whose values differ are updated,
 * identical rows are left alone, and nothing the catalog does not mention is deleted — except the genre links of a
 * listed track, which follow the catalog. An existing organisation keeps its plan (billing owns it after creation).
 * A catalog of 50k tracks loads in a few seconds (COPY into staging tables, then one merge per table).
 *
 * <p>Every read takes the org id and filters by it: rows of another org are never returned. The store holds only
 * the {@link DataSource}; it is safe to share between threads.
 */
public final class PostgresCatalogStore {
    /** The tables {@link #counts(String)} reports, in load order. */
    public static final List<String> TABLES =
            List.of("end_users", "artists", "genres", "tracks", "track_genres", "audio_features", "track_embeddings");

    private static final String TRACK_COLUMNS = "t.org_id, t.track_id, t.title, t.artist_id, t.album, t.release_year, "
            + "t.duration_ms, t.popularity, "
            + "ARRAY(SELECT tg.genre_id::text FROM track_genres tg WHERE tg.org_id = t.org_id AND tg.track_id = t.track_id "
            + "ORDER BY tg.position) AS genre_ids";

    private final DataSource dataSource;
    private final CatalogLoader loader;

    public PostgresCatalogStore(DataSource dataSource) {
        this(dataSource, PlanCatalog.load());
    }

    /** With a plan catalog other than the shipped one (an operator's own {@code plans.yaml}). */
    public PostgresCatalogStore(DataSource dataSource, PlanCatalog plans) {
        this.dataSource = dataSource;
        this.loader = new CatalogLoader(plans);
    }

    /**
     * Loads the catalog (all or nothing) and reports what changed. Fails with a {@link StoreException} naming the
     * offending row when the catalog is inconsistent: an invalid or duplicate id, an unknown plan, or a row referring
     * to an org, artist, genre or track that is neither in the catalog nor in the database.
     */
    public CatalogLoadReport load(Catalog catalog) {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            List<CatalogLoadReport.Table> tables = Database.inTransaction(c, conn -> loader.load(conn, catalog));
            return new CatalogLoadReport(tables, Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("loading a catalog of " + catalog.rowCount() + " rows", e);
        }
    }

    /** Rows per table of {@link #TABLES} for one org, in that order (zeros for an unknown org). */
    public Map<String, Long> counts(String orgId) {
        Ids.require("org id", orgId);
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < TABLES.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(SELECT count(*) FROM ").append(TABLES.get(i)).append(" WHERE org_id = ?)");
        }
        return query("counting the catalog of org " + orgId, sql.toString(), ps -> {
            for (int i = 1; i <= TABLES.size(); i++) {
                ps.setString(i, orgId);
            }
        }, rs -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            rs.next();
            for (int i = 0; i < TABLES.size(); i++) {
                counts.put(TABLES.get(i), rs.getLong(i + 1));
            }
            return counts;
        });
    }

    /** One track of the org, with its genre ids in catalog order. */
    public Optional<Track> track(String orgId, String trackId) {
        Ids.require("org id", orgId);
        Ids.require("track id", trackId);
        return query("reading track " + trackId + " of org " + orgId,
                "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? AND t.track_id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                },
                rs -> rs.next() ? Optional.of(track(rs)) : Optional.empty());
    }

    /**
     * Up to {@code limit} tracks of the org in a genre or any of its subgenres, most popular first (ties by track id,
     * so pages are stable). Empty for an unknown genre.
     */
    public List<Track> tracksByGenre(String orgId, String genreId, int limit) {
        Ids.require("org id", orgId);
        Ids.require("genre id", genreId);
        if (limit < 1) {
            throw StoreException.invalid("limit " + limit + " is not positive", "Ask for at least one track");
        }
        String sql = "WITH RECURSIVE g (genre_id) AS ("
                + "  SELECT genre_id FROM genres WHERE org_id = ? AND genre_id = ?"
                + "  UNION SELECT c.genre_id FROM genres c JOIN g ON c.parent_genre_id = g.genre_id WHERE c.org_id = ?) "
                + "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? AND EXISTS ("
                + "  SELECT 1 FROM track_genres x WHERE x.org_id = ? AND x.track_id = t.track_id AND x.genre_id IN (SELECT genre_id FROM g)) "
                + "ORDER BY t.popularity DESC, t.track_id LIMIT ?";
        return query("reading tracks of genre " + genreId + " of org " + orgId, sql, ps -> {
            ps.setString(1, orgId);
            ps.setString(2, genreId);
            ps.setString(3, orgId);
            ps.setString(4, orgId);
            ps.setString(5, orgId);
            ps.setInt(6, limit);
        }, rs -> {
            List<Track> tracks = new ArrayList<>();
            while (rs.next()) {
                tracks.add(track(rs));
            }
            return tracks;
        });
    }

    /** The audio features of one track of the org. */
    public Optional<AudioFeatures> audioFeatures(String orgId, String trackId) {
        Ids.require("org id", orgId);
        Ids.require("track id", trackId);
        String sql = "SELECT org_id, track_id, tempo, key, mode, time_signature, loudness, energy, danceability, valence, "
                + "acousticness, instrumentalness, liveness, speechiness, duration_ms FROM audio_features WHERE org_id = ? AND track_id = ?";
        return query("reading audio features of track " + trackId + " of org " + orgId, sql, ps -> {
            ps.setString(1, orgId);
            ps.setString(2, trackId);
        }, rs -> rs.next()
                ? Optional.of(new AudioFeatures(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getInt(4), rs.getInt(5),
                        rs.getInt(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11),
                        rs.getDouble(12), rs.getDouble(13), rs.getDouble(14), rs.getLong(15)))
                : Optional.empty());
    }

    private static Track track(ResultSet rs) throws SQLException {
        Array genres = rs.getArray("genre_ids");
        List<String> genreIds = Arrays.asList((String[]) genres.getArray());
        int year = rs.getInt("release_year");
        Integer releaseYear = rs.wasNull() ? null : year;
        return new Track(rs.getString("org_id"), rs.getString("track_id"), rs.getString("title"), rs.getString("artist_id"),
                rs.getString("album"), releaseYear, rs.getLong("duration_ms"), rs.getInt("popularity"), genreIds);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String action, String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase(action, e);
        }
    }
}
