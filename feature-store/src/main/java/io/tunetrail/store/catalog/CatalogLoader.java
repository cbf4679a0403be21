package io.tunetrail.store.catalog;

import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.Genre;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.Track;
import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Loads a {@link Catalog} in one transaction: validate, COPY each table into a temporary staging table, then one
 * merge statement per table that inserts new rows and updates only rows whose values differ.
 *
 * <p>Updating only real differences is what makes a second load of the same catalog change nothing (no new row
 * versions, {@code updated_at} untouched) and lets the report count real changes.
 */
final class CatalogLoader {
    /** Flush COPY data to the server in chunks of about this many characters. */
    private static final int COPY_CHUNK = 1 << 20;

    private record Spec(String table, List<String> keys, List<String> values) {
        List<String> columns() {
            List<String> all = new ArrayList<>(keys);
            all.addAll(values);
            return all;
        }

        String stage() {
            return "stage_" + table;
        }
    }

    private static final Spec ORGS = new Spec("organisations", List.of("org_id"), List.of("name", "plan_id", "edition"));
    private static final Spec USERS = new Spec("end_users", List.of("org_id", "user_id"), List.of("country", "first_seen"));
    private static final Spec ARTISTS = new Spec("artists", List.of("org_id", "artist_id"), List.of("name"));
    private static final Spec GENRES = new Spec("genres", List.of("org_id", "genre_id"), List.of("name", "parent_genre_id"));
    private static final Spec TRACKS = new Spec("tracks", List.of("org_id", "track_id"),
            List.of("title", "artist_id", "album", "release_year", "duration_ms", "popularity"));
    private static final Spec TRACK_GENRES = new Spec("track_genres", List.of("org_id", "track_id", "genre_id"), List.of("position"));
    private static final Spec AUDIO = new Spec("audio_features", List.of("org_id", "track_id"),
            List.of("tempo", "key", "mode", "time_signature", "loudness", "energy", "danceability", "valence", "acousticness",
                    "instrumentalness", "liveness", "speechiness", "duration_ms"));

    private final PlanCatalog plans;

    CatalogLoader(PlanCatalog plans) {
        this.plans = plans;
    }

    List<CatalogLoadReport.Table> load(Connection c, Catalog catalog) throws SQLException {
        validate(catalog);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        List<CatalogLoadReport.Table> report = new ArrayList<>();

        report.add(load(c, copy, ORGS, catalog.orgs(), (o, row) -> row.text(o.orgId()).text(o.name()).text(o.planId())
                .text(plans.plan(o.planId()).edition())));
        report.add(load(c, copy, USERS, catalog.users(), (u, row) -> row.text(u.orgId()).text(u.userId()).text(u.country())
                .timestamp(u.firstSeen())));
        report.add(load(c, copy, ARTISTS, catalog.artists(), (a, row) -> row.text(a.orgId()).text(a.artistId()).text(a.name())));
        report.add(load(c, copy, GENRES, catalog.genres(), (g, row) -> row.text(g.orgId()).text(g.genreId()).text(g.name())
                .text(g.parentGenreId())));
        report.add(load(c, copy, TRACKS, catalog.tracks(), (t, row) -> row.text(t.orgId()).text(t.trackId()).text(t.title())
                .text(t.artistId()).text(t.album()).number(t.releaseYear()).number(t.durationMs()).number(t.popularity())));
        report.add(loadTrackGenres(c, copy, catalog.tracks()));
        report.add(load(c, copy, AUDIO, catalog.audioFeatures(), (f, row) -> row.text(f.orgId()).text(f.trackId())
                .number(f.tempo()).number(f.key()).number(f.mode()).number(f.timeSignature()).number(f.loudness())
                .number(f.energy()).number(f.danceability()).number(f.valence()).number(f.acousticness())
                .number(f.instrumentalness()).number(f.liveness()).number(f.speechiness()).number(f.durationMs())));
        return report;
    }

    private <T> CatalogLoadReport.Table load(Connection c, CopyManager copy, Spec spec, List<T> rows,
            BiConsumer<T, CopyText> encoder) throws SQLException {
        stage(c, copy, spec, rows, encoder);
        long[] counts = merge(c, spec);
        return new CatalogLoadReport.Table(spec.table(), rows.size(), counts[0], counts[1], 0);
    }

    private CatalogLoadReport.Table loadTrackGenres(Connection c, CopyManager copy, List<Track> tracks) throws SQLException {
        List<String[]> links = new ArrayList<>();
        for (Track t : tracks) {
            for (int i = 0; i < t.genreIds().size(); i++) {
                links.add(new String[] {t.orgId(), t.trackId(), t.genreIds().get(i), Integer.toString(i)});
            }
        }
        stage(c, copy, TRACK_GENRES, links, (l, row) -> row.text(l[0]).text(l[1]).text(l[2]).text(l[3]));
        long[] counts = merge(c, TRACK_GENRES);
        // The catalog is the truth about a listed track's genres: links it no longer lists go. Tracks the catalog
        // does not list keep theirs (a load is an upsert, not a replacement of the org's catalog).
        String delete = "DELETE FROM track_genres tg USING stage_tracks st "
                + "WHERE tg.org_id = st.org_id AND tg.track_id = st.track_id AND NOT EXISTS ("
                + "SELECT 1 FROM stage_track_genres s WHERE s.org_id = tg.org_id AND s.track_id = tg.track_id AND s.genre_id = tg.genre_id)";
        try (Statement st = c.createStatement()) {
            // An org's first load inserted every link in this transaction, so the planner still believes
            // track_genres empty and may choose a nested loop over it (minutes for 50k tracks on a busy machine).
            // ANALYZE samples a bounded number of rows, so it stays cheap on a large catalog.
            st.execute("ANALYZE track_genres");
            long deleted = st.executeUpdate(delete);
            return new CatalogLoadReport.Table(TRACK_GENRES.table(), links.size(), counts[0], counts[1], deleted);
        }
    }

    private static <T> void stage(Connection c, CopyManager copy, Spec spec, List<T> rows, BiConsumer<T, CopyText> encoder)
            throws SQLException {
        String columns = String.join(", ", spec.columns());
        try (Statement st = c.createStatement()) {
            // Same column types as the target (domains included) but none of its constraints or defaults.
            st.execute("CREATE TEMP TABLE " + spec.stage() + " ON COMMIT DROP AS SELECT " + columns + " FROM " + spec.table()
                    + " WITH NO DATA");
        }
        CopyIn in = copy.copyIn("COPY " + spec.stage() + " (" + columns + ") FROM STDIN");
        try {
            CopyText text = new CopyText();
            for (T row : rows) {
                encoder.accept(row, text);
                text.endRow();
                if (text.length() >= COPY_CHUNK) {
                    write(in, text);
                }
            }
            write(in, text);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        try (Statement st = c.createStatement()) {
            // The target tables' statistics are stale within a load (an org's first load inserts everything in this
            // transaction), so the genre-link delete may be planned as a nested loop. With an index on every staging
            // table's key such a plan does index lookups instead of rescanning 100k rows per row.
            st.execute("CREATE UNIQUE INDEX ON " + spec.stage() + " (" + String.join(", ", spec.keys()) + ")");
            st.execute("ANALYZE " + spec.stage());
        }
    }

    private static void write(CopyIn in, CopyText text) throws SQLException {
        byte[] bytes = text.drain().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
    }

    /** Inserts new rows and updates changed ones; returns {inserted, updated}. */
    private static long[] merge(Connection c, Spec spec) throws SQLException {
        List<String> values = spec.values();
        // Organisations keep their plan and edition once created: billing owns them from then on.
        List<String> updatable = spec == ORGS ? List.of("name") : values;
        String set = updatable.stream().map(v -> v + " = EXCLUDED." + v).collect(Collectors.joining(", "));
        String mine = updatable.stream().map(v -> "t." + v).collect(Collectors.joining(", "));
        String theirs = updatable.stream().map(v -> "EXCLUDED." + v).collect(Collectors.joining(", "));
        String columns = String.join(", ", spec.columns());
        // xmax = 0 marks a freshly inserted row version (an updated one carries the updating transaction's id).
        String sql = "WITH m AS (INSERT INTO " + spec.table() + " AS t (" + columns + ") SELECT " + columns + " FROM "
                + spec.stage() + " ON CONFLICT (" + String.join(", ", spec.keys()) + ") DO UPDATE SET " + set
                + " WHERE ROW(" + mine + ") IS DISTINCT FROM ROW(" + theirs + ") RETURNING (t.xmax = 0) AS inserted) "
                + "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM m";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    // --- validation: in Java, so a bad catalog fails with the offending row named, before anything is written ----

    private void validate(Catalog catalog) {
        Set<String> seen = new HashSet<>();
        for (Org o : catalog.orgs()) {
            unique(seen, "org", Ids.require("org id", o.orgId()));
            if (plans.find(o.planId()).isEmpty()) {
                throw StoreException.invalid("org " + o.orgId() + " names plan '" + o.planId() + "', which is not in the plan catalog",
                        "Use one of " + plans.plans().stream().map(PlanCatalog.Plan::id).toList() + " (config/plans.yaml)");
            }
        }
        for (EndUser u : catalog.users()) {
            unique(seen, "user", u.orgId(), Ids.require("user id", u.userId()));
        }
        for (Artist a : catalog.artists()) {
            unique(seen, "artist", a.orgId(), Ids.require("artist id", a.artistId()));
        }
        for (Genre g : catalog.genres()) {
            unique(seen, "genre", g.orgId(), Ids.require("genre id", g.genreId()));
            if (g.parentGenreId() != null) {
                Ids.require("parent genre id of genre " + g.genreId(), g.parentGenreId());
            }
        }
        for (Track t : catalog.tracks()) {
            unique(seen, "track", t.orgId(), Ids.require("track id", t.trackId()));
            if (t.artistId() != null) {
                Ids.require("artist id of track " + t.trackId(), t.artistId());
            }
            Set<String> genres = new HashSet<>();
            for (String g : t.genreIds()) {
                Ids.require("genre id of track " + t.trackId(), g);
                if (!genres.add(g)) {
                    throw StoreException.duplicateKey("genre " + g + " of track", key(t.orgId(), t.trackId()));
                }
            }
        }
        for (AudioFeatures f : catalog.audioFeatures()) {
            unique(seen, "audio features of track", f.orgId(), Ids.require("track id of audio features", f.trackId()));
        }
    }

    /** How a key reads in messages. */
    private static String key(String orgId, String id) {
        return Ids.require("org id", orgId) + "/" + id;
    }

    /** Ids may contain '/', so the set keeps org and id apart with a character no id can hold. */
    private static void unique(Set<String> seen, String table, String orgId, String id) {
        if (!seen.add(table + "\u0000" + Ids.require("org id", orgId) + "\u0000" + id)) {
            throw StoreException.duplicateKey(table, key(orgId, id));
        }
    }

    private static void unique(Set<String> seen, String table, String key) {
        if (!seen.add(table + "\u0000" + key)) {
            throw StoreException.duplicateKey(table, key);
        }
    }
}
