package io.tunetrail.ingestion.importers;

import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports the TidyTuesday "Spotify songs" table ({@code spotify_songs.csv}): tracks with audio features and genres.
 *
 * <p>Mapping:
 * <ul>
 *   <li>a track appears once per playlist it is on; rows with the same {@code track_id} become one track
 *       {@code sp-<track_id>} whose genres are the union of the rows' genres (the first row's other fields win);
 *   <li>{@code track_artist} becomes artist {@code sp-ar-<slug>-<hash>} (12 hex digits of the name's SHA-256), an
 *       id that depends on the exact name only; {@code NA} (R's missing value) or an empty name means no artist;
 *   <li>{@code playlist_genre} becomes genre {@code sp-g-<slug>} and {@code playlist_subgenre} its child genre
 *       {@code sp-g-<genre>.<slug>}; a track lists both, genre first;
 *   <li>every track gets {@link AudioFeatures} from its first row; the file has no time signature, so it is
 *       {@value #DEFAULT_TIME_SIGNATURE} (4/4, by far the most common);
 *   <li>release year comes from {@code track_album_release_date} ({@code YYYY}, {@code YYYY-MM} or
 *       {@code YYYY-MM-DD}); popularity is {@code track_popularity} as is.
 * </ul>
 * There are no users and no interactions. Rows are rejected for a wrong column count, an id that is not
 * base-62, numbers that are not numbers or are outside the catalog's ranges, impossible dates, and a subgenre without a
 * genre. A repeated row is only read for its genres, so its other fields are not checked again. A missing
 * ({@code NA}) track name gives the title {@value #UNKNOWN_TITLE}, a missing album a null album. Years outside
 * {@value #MIN_YEAR}..{@value #MAX_YEAR} are rejected as bad dates.
 */
public final class SpotifySongsImporter implements DatasetImporter {
    public static final String NAME = "spotify";
    static final String SONGS = "spotify_songs.csv";
    /** The file has no time signature; 4 is what most popular music has, and what a 3..7 field must hold. */
    public static final int DEFAULT_TIME_SIGNATURE = 4;
    /**
     * The title of a track whose {@code track_name} is {@code NA} (five rows of the release): the catalog needs a
     * title, and the track's audio features and genres are still worth having.
     */
    public static final String UNKNOWN_TITLE = "(unknown title)";
    /** The catalog store's sanity range for release years; a date outside it is a bad row, not a year. */
    static final int MIN_YEAR = 1000;
    static final int MAX_YEAR = 3000;
    private static final Pattern SPOTIFY_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final Pattern RELEASE_DATE = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Spotify songs with audio features and playlist genres (" + SONGS + ")";
    }

    @Override
    public ImportResult importInto(ImportRequest request, Consumer<? super InteractionEvent> events) throws IOException {
        ImportRun run = new ImportRun(NAME, request, List.of(SONGS), events);
        Builder catalog = new Builder(run.orgId());
        run.read(SONGS, RowFormat.csvWithHeader("track_id", "track_name", "track_artist", "track_popularity",
                "track_album_name", "track_album_release_date", "playlist_genre", "playlist_subgenre",
                "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                "instrumentalness", "liveness", "valence", "tempo", "duration_ms"), catalog::add);
        return new ImportResult(catalog.build(request), run.finish());
    }

    /** The catalog so far: tracks by id in file order, and the artists and genres they introduced. */
    private static final class Builder {
        private final String org;
        private final Map<String, Track> tracks = new LinkedHashMap<>();
        private final Map<String, Set<String>> trackGenres = new HashMap<>();
        private final List<AudioFeatures> features = new ArrayList<>();
        /** By name: the id is a hash of the name, worth computing once per artist rather than once per track. */
        private final Map<String, Artist> artists = new LinkedHashMap<>();
        private final Map<String, Genre> genres = new LinkedHashMap<>();
        private final NamedIds genreIds = new NamedIds("sp-g-");
        private final Map<String, NamedIds> subgenreIds = new HashMap<>();

        Builder(String org) {
            this.org = org;
        }

        void add(Row row) throws BadRowException {
            String spotifyId = row.requiredText("track_id");
            if (!SPOTIFY_ID.matcher(spotifyId).matches()) {
                throw new BadRowException("track_id '" + Row.abbreviate(spotifyId) + "' is not a Spotify id");
            }
            String trackId = "sp-" + spotifyId;
            String genre = row.optionalText("playlist_genre");
            String subgenre = row.optionalText("playlist_subgenre");
            if (genre == null && subgenre != null) {
                throw new BadRowException("playlist_subgenre '" + subgenre + "' has no playlist_genre to belong to");
            }
            Track known = tracks.get(trackId);
            if (known != null) {
                // A repeat on another playlist: only its genres are new.
                addGenres(trackId, genre, subgenre);
                return;
            }
            // Parse everything before touching the catalog, so a rejected row leaves nothing behind.
            int popularity = (int) row.integer("track_popularity", 0, 100);
            Integer year = releaseYear(row.optionalText("track_album_release_date"));
            long durationMs = row.integer("duration_ms", 1, 86_400_000);
            AudioFeatures audio = new AudioFeatures(org, trackId,
                    // The ranges of the catalog store's audio_features table, which widens Spotify's documented
                    // ones where Spotify's own data strays (tempo 0, loudness slightly above 0 dB).
                    row.number("tempo", 0, 400),
                    (int) row.integer("key", -1, 11),
                    (int) row.integer("mode", 0, 1),
                    DEFAULT_TIME_SIGNATURE,
                    row.number("loudness", -100, 10),
                    row.number("energy", 0, 1),
                    row.number("danceability", 0, 1),
                    row.number("valence", 0, 1),
                    row.number("acousticness", 0, 1),
                    row.number("instrumentalness", 0, 1),
                    row.number("liveness", 0, 1),
                    row.number("speechiness", 0, 1),
                    durationMs);
            String artistName = row.optionalText("track_artist");
            String artistId = artistName == null ? null
                    : artists.computeIfAbsent(artistName, n -> new Artist(org, Ids.hashed("sp-ar-", n), n)).artistId();
            String title = row.optionalText("track_name");
            tracks.put(trackId, new Track(org, trackId, title == null ? UNKNOWN_TITLE : title, artistId,
                    row.optionalText("track_album_name"), year, durationMs, popularity, List.of()));
            features.add(audio);
            addGenres(trackId, genre, subgenre);
        }

        private void addGenres(String trackId, String genre, String subgenre) {
            Set<String> ids = trackGenres.computeIfAbsent(trackId, t -> new LinkedHashSet<>());
            if (genre == null) {
                return;
            }
            String genreId = genreIds.idFor(genre);
            genres.computeIfAbsent(genreId, id -> new Genre(org, id, genre, null));
            ids.add(genreId);
            if (subgenre != null) {
                String subId = subgenreIds.computeIfAbsent(genreId, g -> new NamedIds(g + ".")).idFor(subgenre);
                genres.computeIfAbsent(subId, id -> new Genre(org, id, subgenre, genreId));
                ids.add(subId);
            }
        }

        Catalog build(ImportRequest request) {
            List<Track> merged = new ArrayList<>(tracks.size());
            for (Track t : tracks.values()) {
                merged.add(new Track(t.orgId(), t.trackId(), t.title(), t.artistId(), t.album(), t.releaseYear(),
                        t.durationMs(), t.popularity(), List.copyOf(trackGenres.get(t.trackId()))));
            }
            return new Catalog(List.of(request.org()), List.of(), List.copyOf(artists.values()),
                    List.copyOf(genres.values()), merged, features);
        }
    }

    /** The year of a {@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD} date; null when there is none. */
    static Integer releaseYear(String date) throws BadRowException {
        if (date == null) {
            return null;
        }
        Matcher m = RELEASE_DATE.matcher(date);
        if (!m.matches()) {
            throw new BadRowException("track_album_release_date '" + Row.abbreviate(date)
                    + "' is not YYYY, YYYY-MM or YYYY-MM-DD");
        }
        int year = Integer.parseInt(m.group(1));
        int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        try {
            if (year < MIN_YEAR || year > MAX_YEAR) {
                throw new DateTimeException("year outside " + MIN_YEAR + ".." + MAX_YEAR);
            }
            LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new BadRowException("track_album_release_date '" + date + "' does not exist");
        }
        return year;
    }
}
