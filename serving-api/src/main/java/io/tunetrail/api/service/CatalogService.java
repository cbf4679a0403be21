package io.tunetrail.api.service;

import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Track;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The org's catalog through the API: search and CRUD of tracks, artists and genres, top tracks, audio features, and
 * the popularity lists recommendations fall back to. Every query is filtered by the caller's org.
 */
public final class CatalogService {
    static final Set<String> TIME_RANGES = Set.of("short_term", "medium_term", "long_term");
    private static final long POPULAR_CACHE_MILLIS = 60_000;
    private static final String TRACK_COLUMNS = "t.org_id, t.track_id, t.title, t.artist_id, t.album, t.release_year, t.duration_ms, "
            + "t.popularity, ARRAY(SELECT tg.genre_id::text FROM track_genres tg WHERE tg.org_id = t.org_id AND tg.track_id = t.track_id "
            + "ORDER BY tg.position) AS genre_ids";

    public record TrackRequest(String trackId, String title, String artistId, String album, Integer releaseYear, Long durationMs,
            Integer popularity, List<String> genreIds) {
        public TrackRequest {
            title = Check.text("title", title, 500);
            artistId = Check.optionalId("artist_id", artistId);
            durationMs = durationMs == null ? 0L : durationMs;
            if (durationMs < 0) {
                throw Check.invalid("duration_ms", "'duration_ms' must not be negative");
            }
            popularity = Check.range("popularity", popularity == null ? 0 : popularity, 0, 100);
            if (releaseYear != null) {
                Check.range("release_year", releaseYear, 1000, 3000);
            }
            genreIds = genreIds == null ? List.of() : List.copyOf(genreIds);
            for (int i = 0; i < genreIds.size(); i++) {
                Check.id("genre_ids[" + i + "]", genreIds.get(i));
            }
        }
    }

    public record ArtistRequest(String artistId, String name) {
        public ArtistRequest {
            artistId = Check.id("artist_id", artistId);
            name = Check.text("name", name, 500);
        }
    }

    public record GenreRequest(String genreId, String name, String parentGenreId) {
        public GenreRequest {
            genreId = Check.id("genre_id", genreId);
            name = Check.text("name", name, 200);
            parentGenreId = Check.optionalId("parent_genre_id", parentGenreId);
        }
    }

    public record Artist(String artistId, String name) {}

    public record Genre(String genreId, String name, String parentGenreId) {}

    /**
     * The org's top tracks. {@code basis} is {@code plays} (counted by the nightly temporal-patterns job over the time
     * range before {@code asOf}, {@code modelVersion} that job's active version) or {@code catalog_popularity} while the
     * org has no such version yet (then {@code asOf}, {@code modelVersion} and the counts are null).
     */
    public record TopTracks(String timeRange, String basis, String modelVersion, Instant asOf, List<TopTrack> tracks) {}

    /** A top track with its plays and distinct listeners over the time range (null on the catalog basis). */
    public record TopTrack(Track track, Long plays, Long listeners) {}

    private record Played(TopTrack track, String modelVersion, Instant asOf) {}

    private record Popular(List<Track> tracks, long loadedAtMillis) {}

    private final Sql sql;
    private final PostgresCatalogStore catalog;
    private final ThresholdAlerts alerts;
    private final Clock clock;
    private final Map<String, Popular> popular = new ConcurrentHashMap<>();
    private final Map<String, Label> labels = new ConcurrentHashMap<>();
    private final TrackCards cards;

    private record Label(String text, long loadedAtMillis) {}

    /** Labels kept at most: past this the cache starts over rather than grow with every track ever played. */
    private static final int LABEL_CACHE_MAX = 50_000;

    /** For readers of the catalog that add no tracks (the console's insights pages): a track added here alerts nothing. */
    public CatalogService(Sql sql, PostgresCatalogStore catalog, Clock clock) {
        this(sql, catalog, new ThresholdAlerts(crossing -> { }), clock);
    }

    public CatalogService(Sql sql, PostgresCatalogStore catalog, ThresholdAlerts alerts, Clock clock) {
        this.sql = sql;
        this.catalog = catalog;
        this.alerts = alerts;
        this.clock = clock;
        this.cards = new TrackCards(sql, clock);
    }

    // --- tracks --------------------------------------------------------------------------------------------

    public Page<Track> searchTracks(Principal p, String query, String genreId, String artistId, int limit, String cursor) {
        List<String> after = Keyset.decode(cursor, 2);
        Integer afterPopularity = after == null ? null : popularity(after.get(0));
        String q = query == null || query.isBlank() ? null : Sql.containing(query.strip().toLowerCase(Locale.ROOT));
        Check.optionalId("genre_id", genreId);
        Check.optionalId("artist_id", artistId);
        // Keyset on the list's order (popularity DESC, track_id): the index tracks_by_popularity serves the next page.
        List<Track> rows = sql.list("searching tracks", "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? "
                + "AND (?::text IS NULL OR lower(t.title) LIKE ?) AND (?::text IS NULL OR t.artist_id = ?) "
                + "AND (?::text IS NULL OR EXISTS (SELECT 1 FROM track_genres g WHERE g.org_id = t.org_id AND g.track_id = t.track_id AND g.genre_id = ?)) "
                + "AND (?::int IS NULL OR t.popularity < ? OR (t.popularity = ? AND t.track_id > ?)) "
                + "ORDER BY t.popularity DESC, t.track_id LIMIT ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, q);
                    ps.setString(3, q);
                    ps.setString(4, artistId);
                    ps.setString(5, artistId);
                    ps.setString(6, genreId);
                    ps.setString(7, genreId);
                    ps.setObject(8, afterPopularity, java.sql.Types.INTEGER);
                    ps.setObject(9, afterPopularity, java.sql.Types.INTEGER);
                    ps.setObject(10, afterPopularity, java.sql.Types.INTEGER);
                    ps.setString(11, after == null ? null : after.get(1));
                    ps.setInt(12, limit + 1);
                }, CatalogService::track);
        return Keyset.page(rows, limit, t -> List.of(Integer.toString(t.popularity()), t.trackId()));
    }

    private static int popularity(String fromCursor) {
        try {
            return Integer.parseInt(fromCursor);
        } catch (NumberFormatException e) {
            throw Check.invalid("cursor", "'cursor' is not a cursor this API returned; pass next_cursor from the previous page");
        }
    }

    public Track track(Principal p, String trackId) {
        return catalog.track(p.orgId(), Check.id("track_id", trackId)).orElseThrow(() -> ApiErrors.notFound("track", trackId));
    }

    public Track createTrack(Principal p, TrackRequest r) {
        String trackId = Check.id("track_id", r.trackId());
        Long max = p.plan().limit("tracks").max();
        long before = max == null ? 0 : count(p.orgId(), "tracks");
        if (max != null && before >= max) {
            throw ApiErrors.seatLimit(String.format(Locale.ROOT, "The %s plan holds up to %,d tracks and the catalog is full; "
                    + "delete tracks or upgrade the plan", p.plan().displayName(), max));
        }
        if (catalog.track(p.orgId(), trackId).isPresent()) {
            throw ApiErrors.conflict("track_exists", "Track '" + trackId + "' exists already; PUT /api/v1/tracks/" + trackId + " changes it");
        }
        write(p, trackId, r, true);
        if (max != null) {
            alerts.heldCountRose(p.orgId(), p.plan(), p.communityEdition(), "tracks", before, count(p.orgId(), "tracks"), clock.instant());
        }
        return track(p, trackId);
    }

    public Track replaceTrack(Principal p, String trackId, TrackRequest r) {
        track(p, trackId);
        if (r.trackId() != null && !r.trackId().equals(trackId)) {
            throw Check.invalid("track_id", "'track_id' in the body differs from the path; omit it or make them equal");
        }
        write(p, trackId, r, false);
        return track(p, trackId);
    }

    private void write(Principal p, String trackId, TrackRequest r, boolean insert) {
        if (r.artistId() != null) {
            artist(p, r.artistId());
        }
        for (String g : r.genreIds()) {
            genre(p, g);
        }
        sql.transaction("writing track " + trackId, c -> {
            String stmt = insert
                    ? "INSERT INTO tracks (title, artist_id, album, release_year, duration_ms, popularity, org_id, track_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    : "UPDATE tracks SET title = ?, artist_id = ?, album = ?, release_year = ?, duration_ms = ?, popularity = ? WHERE org_id = ? AND track_id = ?";
            try (var ps = c.prepareStatement(stmt)) {
                ps.setString(1, r.title());
                ps.setString(2, r.artistId());
                ps.setString(3, r.album());
                ps.setObject(4, r.releaseYear());
                ps.setLong(5, r.durationMs());
                ps.setInt(6, r.popularity());
                ps.setString(7, p.orgId());
                ps.setString(8, trackId);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("DELETE FROM track_genres WHERE org_id = ? AND track_id = ?")) {
                ps.setString(1, p.orgId());
                ps.setString(2, trackId);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("INSERT INTO track_genres (org_id, track_id, genre_id, position) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < r.genreIds().size(); i++) {
                    ps.setString(1, p.orgId());
                    ps.setString(2, trackId);
                    ps.setString(3, r.genreIds().get(i));
                    ps.setInt(4, i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        popular.remove(p.orgId());
        labels.remove(p.orgId() + '\u0000' + trackId);
        cards.forget(p.orgId(), trackId);
    }

    public void deleteTrack(Principal p, String trackId) {
        delete(p, "tracks", "track_id", "track", trackId);
        popular.remove(p.orgId());
        labels.remove(p.orgId() + '\u0000' + trackId);
        cards.forget(p.orgId(), trackId);
    }

    public TopTracks top(Principal p, String timeRange, int limit) {
        String range = timeRange == null ? "medium_term" : timeRange;
        if (!TIME_RANGES.contains(range)) {
            throw Check.invalid("time_range", "'time_range' must be short_term, medium_term or long_term");
        }
        List<Played> played = sql.list("reading top tracks", "SELECT " + TRACK_COLUMNS + ", tt.plays, tt.listeners, tt.as_of, mv.version "
                + "FROM top_tracks tt JOIN model_versions mv ON mv.org_id = tt.org_id AND mv.model_version_id = tt.model_version_id "
                + "JOIN tracks t ON t.org_id = tt.org_id AND t.track_id = tt.track_id "
                + "WHERE tt.org_id = ? AND tt.time_range = ? AND mv.algorithm = ? AND mv.status = 'active' ORDER BY tt.rank LIMIT ?",
                ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, range);
                    ps.setString(3, AnalyticsService.TEMPORAL_PATTERNS);
                    ps.setInt(4, limit);
                }, rs -> new Played(new TopTrack(track(rs), rs.getLong("plays"), rs.getLong("listeners")), rs.getString("version"),
                        rs.getTimestamp("as_of").toInstant()));
        if (played.isEmpty()) {
            // No plays counted yet (a new org, or no nightly run): the catalog's own popularity, and the answer says so.
            return new TopTracks(range, "catalog_popularity", null, null,
                    popular(p.orgId(), limit).stream().map(t -> new TopTrack(t, null, null)).toList());
        }
        return new TopTracks(range, "plays", played.get(0).modelVersion(), played.get(0).asOf(),
                played.stream().map(Played::track).toList());
    }

    public AudioFeatures audioFeatures(Principal p, String trackId) {
        track(p, trackId);
        return catalog.audioFeatures(p.orgId(), trackId).orElseThrow(() -> ApiErrors.notFound("audio features of track", trackId));
    }

    /** The org's most popular tracks (cached for a minute): what cold-start recommendations begin with. */
    public List<Track> popular(String orgId, int limit) {
        long now = clock.millis();
        Popular cached = popular.get(orgId);
        if (cached == null || now - cached.loadedAtMillis() > POPULAR_CACHE_MILLIS || cached.tracks().size() < Math.min(limit, 500)
                && cached.tracks().size() == 500) {
            List<Track> rows = sql.list("reading popular tracks", "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? "
                    + "ORDER BY t.popularity DESC, t.track_id LIMIT 500", ps -> ps.setString(1, orgId), CatalogService::track);
            cached = new Popular(rows, now);
            popular.put(orgId, cached);
        }
        return cached.tracks().subList(0, Math.min(limit, cached.tracks().size()));
    }

    /**
     * How a recommendation reason names a track: "Title by Artist" (or the title alone without an artist, or the id
     * when the org's catalog does not know it). Cached for a minute like {@link #popular}, misses included: reasons
     * are on the daily mix's path, which must not pay a database round trip per request.
     */
    public String label(String orgId, String trackId) {
        long now = clock.millis();
        String cacheKey = orgId + '\u0000' + trackId;
        Label cached = labels.get(cacheKey);
        if (cached != null && now - cached.loadedAtMillis() <= POPULAR_CACHE_MILLIS) {
            return cached.text();
        }
        String text = sql.one("naming track " + trackId, "SELECT t.title, a.name FROM tracks t LEFT JOIN artists a ON a.org_id = t.org_id "
                + "AND a.artist_id = t.artist_id WHERE t.org_id = ? AND t.track_id = ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, trackId);
                }, rs -> rs.getString(2) == null ? rs.getString(1) : rs.getString(1) + " by " + rs.getString(2)).orElse(trackId);
        if (labels.size() >= LABEL_CACHE_MAX) {
            labels.clear();
        }
        labels.put(cacheKey, new Label(text, now));
        return text;
    }

    /** Tracks by id, keyed by id; ids of other orgs or unknown ids are absent. */
    public Map<String, Track> tracks(String orgId, Collection<String> trackIds) {
        if (trackIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Track> out = new HashMap<>();
        sql.list("reading tracks", "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? AND t.track_id = ANY (?)", ps -> {
            ps.setString(1, orgId);
            ps.setArray(2, ps.getConnection().createArrayOf("text", trackIds.toArray()));
        }, CatalogService::track).forEach(t -> out.put(t.trackId(), t));
        return out;
    }

    /** The cards (what a list shows and filters on) of the org's tracks among {@code trackIds}; see {@link TrackCards}. */
    public Map<String, TrackCard> cards(String orgId, Collection<String> trackIds) {
        return cards.of(orgId, trackIds);
    }

    /** The org's most popular tracks by any of {@code artistIds} or in any of {@code genreIds}, in one query. */
    public List<Track> popularIn(String orgId, Collection<String> genreIds, Collection<String> artistIds, int limit) {
        return sql.list("reading popular tracks of genres and artists", "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? "
                + "AND (t.artist_id = ANY (?) OR EXISTS (SELECT 1 FROM track_genres g WHERE g.org_id = t.org_id AND g.track_id = t.track_id "
                + "AND g.genre_id = ANY (?))) ORDER BY t.popularity DESC, t.track_id LIMIT ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setArray(2, ps.getConnection().createArrayOf("text", artistIds.toArray()));
                    ps.setArray(3, ps.getConnection().createArrayOf("text", genreIds.toArray()));
                    ps.setInt(4, limit);
                }, CatalogService::track);
    }

    public List<Track> tracksByGenre(String orgId, String genreId, int limit) {
        return catalog.tracksByGenre(orgId, genreId, limit);
    }

    public List<Track> tracksByArtist(String orgId, String artistId, int limit) {
        return sql.list("reading tracks of artist " + artistId, "SELECT " + TRACK_COLUMNS + " FROM tracks t WHERE t.org_id = ? "
                + "AND t.artist_id = ? ORDER BY t.popularity DESC, t.track_id LIMIT ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, artistId);
                    ps.setInt(3, limit);
                }, CatalogService::track);
    }

    // --- artists and genres --------------------------------------------------------------------------------

    public Page<Artist> artists(Principal p, String query, int limit, String cursor) {
        List<String> after = Keyset.decode(cursor, 2);
        String q = query == null || query.isBlank() ? null : Sql.containing(query.strip().toLowerCase(Locale.ROOT));
        // Keyset on (name, artist_id), served by the index artists_by_name (V52).
        return Keyset.page(sql.list("listing artists", "SELECT artist_id, name FROM artists WHERE org_id = ? AND (?::text IS NULL OR "
                + "lower(name) LIKE ?) AND (?::text IS NULL OR (name, artist_id) > (?, ?)) ORDER BY name, artist_id LIMIT ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, q);
                    ps.setString(3, q);
                    ps.setString(4, after == null ? null : after.get(0));
                    ps.setString(5, after == null ? null : after.get(0));
                    ps.setString(6, after == null ? null : after.get(1));
                    ps.setInt(7, limit + 1);
                }, rs -> new Artist(rs.getString(1), rs.getString(2))), limit, a -> List.of(a.name(), a.artistId()));
    }

    public Artist artist(Principal p, String artistId) {
        return sql.one("reading artist", "SELECT artist_id, name FROM artists WHERE org_id = ? AND artist_id = ?", ps -> {
            ps.setString(1, p.orgId());
            ps.setString(2, Check.id("artist_id", artistId));
        }, rs -> new Artist(rs.getString(1), rs.getString(2))).orElseThrow(() -> ApiErrors.notFound("artist", artistId));
    }

    public Artist createArtist(Principal p, ArtistRequest r) {
        int n = sql.update("creating artist", "INSERT INTO artists (org_id, artist_id, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, p.orgId());
            ps.setString(2, r.artistId());
            ps.setString(3, r.name());
        });
        if (n == 0) {
            throw ApiErrors.conflict("artist_exists", "Artist '" + r.artistId() + "' exists already");
        }
        return new Artist(r.artistId(), r.name());
    }

    public void deleteArtist(Principal p, String artistId) {
        // Tracks refer to their artist without cascading: deleting an artist with tracks is a 409 from the store.
        delete(p, "artists", "artist_id", "artist", artistId);
    }

    public List<Genre> genres(Principal p) {
        return sql.list("listing genres", "SELECT genre_id, name, parent_genre_id FROM genres WHERE org_id = ? ORDER BY genre_id",
                ps -> ps.setString(1, p.orgId()), rs -> new Genre(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    public Genre genre(Principal p, String genreId) {
        return sql.one("reading genre", "SELECT genre_id, name, parent_genre_id FROM genres WHERE org_id = ? AND genre_id = ?", ps -> {
            ps.setString(1, p.orgId());
            ps.setString(2, Check.id("genre_id", genreId));
        }, rs -> new Genre(rs.getString(1), rs.getString(2), rs.getString(3))).orElseThrow(() -> ApiErrors.notFound("genre", genreId));
    }

    public Genre createGenre(Principal p, GenreRequest r) {
        if (r.parentGenreId() != null) {
            genre(p, r.parentGenreId());
        }
        int n = sql.update("creating genre", "INSERT INTO genres (org_id, genre_id, name, parent_genre_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, r.genreId());
                    ps.setString(3, r.name());
                    ps.setString(4, r.parentGenreId());
                });
        if (n == 0) {
            throw ApiErrors.conflict("genre_exists", "Genre '" + r.genreId() + "' exists already");
        }
        return new Genre(r.genreId(), r.name(), r.parentGenreId());
    }

    public void deleteGenre(Principal p, String genreId) {
        delete(p, "genres", "genre_id", "genre", genreId);
        // The genre left every track it was on: their cards would still list it.
        cards.forgetOrg(p.orgId());
    }

    private void delete(Principal p, String table, String idColumn, String what, String id) {
        Check.id(idColumn, id);
        int n = sql.update("deleting " + what + " " + id, "DELETE FROM " + table + " WHERE org_id = ? AND " + idColumn + " = ?", ps -> {
            ps.setString(1, p.orgId());
            ps.setString(2, id);
        });
        if (n == 0) {
            throw ApiErrors.notFound(what, id);
        }
    }

    private long count(String orgId, String table) {
        return sql.one("counting " + table, "SELECT count(*) FROM " + table + " WHERE org_id = ?", ps -> ps.setString(1, orgId),
                rs -> rs.getLong(1)).orElse(0L);
    }

    static Track track(ResultSet rs) throws SQLException {
        Array genres = rs.getArray("genre_ids");
        int year = rs.getInt("release_year");
        Integer releaseYear = rs.wasNull() ? null : year;
        return new Track(rs.getString("org_id"), rs.getString("track_id"), rs.getString("title"), rs.getString("artist_id"),
                rs.getString("album"), releaseYear, rs.getLong("duration_ms"), rs.getInt("popularity"),
                Arrays.asList((String[]) genres.getArray()));
    }
}
