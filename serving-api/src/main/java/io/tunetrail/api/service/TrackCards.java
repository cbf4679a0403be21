package io.tunetrail.api.service;

import io.tunetrail.api.store.Sql;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TrackCard}s by track id, read from PostgreSQL ({@code tracks}, {@code artists}, {@code track_genres},
 * {@code audio_features}) in one query for all the ids a response lacks, and kept for a minute (unknown ids too), so a
 * recommendation list costs at most one catalog query however many items it has, and none while its tracks are
 * cached. Catalog writes through the API forget what they change; writes elsewhere (imports) show within the minute.
 */
public final class TrackCards {
    static final long TTL_MILLIS = 60_000;
    /** Cards kept per org at most: past this the org's cache starts over rather than grow with every track ever listed. */
    static final int MAX_PER_ORG = 50_000;

    private static final String COLUMNS;

    static {
        StringBuilder audio = new StringBuilder();
        for (AudioFeature f : AudioFeature.values()) {
            audio.append(", f.").append(f.column());
        }
        COLUMNS = "t.track_id, t.title, t.artist_id, a.name AS artist_name, t.album, t.release_year, t.duration_ms, t.popularity, "
                + "ARRAY(SELECT tg.genre_id::text FROM track_genres tg WHERE tg.org_id = t.org_id AND tg.track_id = t.track_id "
                + "ORDER BY tg.position) AS genre_ids, f.track_id IS NOT NULL AS has_audio" + audio;
    }

    private static final String QUERY = "SELECT " + COLUMNS + " FROM tracks t "
            + "LEFT JOIN artists a ON a.org_id = t.org_id AND a.artist_id = t.artist_id "
            + "LEFT JOIN audio_features f ON f.org_id = t.org_id AND f.track_id = t.track_id "
            + "WHERE t.org_id = ? AND t.track_id = ANY (?)";

    /** A cached answer: the card, or null for an id the org's catalog does not have. */
    private record Entry(TrackCard card, long loadedAtMillis) {}

    private final Sql sql;
    private final Clock clock;
    private final Map<String, Map<String, Entry>> byOrg = new ConcurrentHashMap<>();

    public TrackCards(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** The cards of {@code trackIds} the org's catalog has, keyed by id; unknown ids are absent. */
    public Map<String, TrackCard> of(String orgId, Collection<String> trackIds) {
        long now = clock.millis();
        Map<String, Entry> cache = byOrg.computeIfAbsent(orgId, o -> new ConcurrentHashMap<>());
        Map<String, TrackCard> out = new HashMap<>(trackIds.size() * 2);
        List<String> missing = null;
        for (String id : trackIds) {
            Entry e = cache.get(id);
            if (e != null && now - e.loadedAtMillis() <= TTL_MILLIS) {
                if (e.card() != null) {
                    out.put(id, e.card());
                }
            } else {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(id);
            }
        }
        if (missing != null) {
            List<String> ids = missing;
            List<TrackCard> loaded = sql.list("reading tracks of a recommendation list", QUERY, ps -> {
                ps.setString(1, orgId);
                ps.setArray(2, ps.getConnection().createArrayOf("text", ids.toArray()));
            }, TrackCards::card);
            if (cache.size() + ids.size() > MAX_PER_ORG) {
                cache.clear();
            }
            for (String id : ids) {
                cache.put(id, new Entry(null, now));
            }
            for (TrackCard c : loaded) {
                cache.put(c.trackId(), new Entry(c, now));
                out.put(c.trackId(), c);
            }
        }
        return out;
    }

    /** Forgets one track of an org (it was written or deleted here). */
    public void forget(String orgId, String trackId) {
        Map<String, Entry> cache = byOrg.get(orgId);
        if (cache != null) {
            cache.remove(trackId);
        }
    }

    /** Forgets every card of an org (a change that touches many tracks, such as deleting a genre). */
    public void forgetOrg(String orgId) {
        byOrg.remove(orgId);
    }

    private static TrackCard card(ResultSet rs) throws SQLException {
        Array genres = rs.getArray("genre_ids");
        int year = rs.getInt("release_year");
        Integer releaseYear = rs.wasNull() ? null : year;
        double[] audio = null;
        if (rs.getBoolean("has_audio")) {
            AudioFeature[] features = AudioFeature.values();
            audio = new double[features.length];
            for (AudioFeature f : features) {
                audio[f.ordinal()] = rs.getDouble(f.column());
            }
        }
        return new TrackCard(rs.getString("track_id"), rs.getString("title"), rs.getString("artist_id"), rs.getString("artist_name"),
                rs.getString("album"), releaseYear, rs.getLong("duration_ms"), rs.getInt("popularity"),
                Arrays.asList((String[]) genres.getArray()), audio);
    }
}
