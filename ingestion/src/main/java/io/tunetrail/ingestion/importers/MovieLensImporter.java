package io.tunetrail.ingestion.importers;

import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports MovieLens ratings, as a non-music cross-check of the platform: movies play the part of tracks.
 *
 * <p>Two releases are recognised by their files: the ml-latest layout ({@code ratings.csv}, {@code movies.csv}) and
 * the ml-100k layout ({@code u.data}, {@code u.item}, optionally {@code u.genre}, ISO-8859-1); a folder with both is
 * refused as ambiguous. Mapping:
 * <ul>
 *   <li>movie {@code n} becomes track {@code ml-m<n>} without artist, album or duration; release year from the
 *       100K release date, else from a trailing "(YYYY)" in the title; popularity is the number of ratings on a log
 *       scale, {@code round(100 * ln(1 + n) / ln(1 + max))};
 *   <li>genre names become genres {@code ml-g-<slug>} as movies use them; "(no genres listed)" and 100K's "unknown"
 *       mean no genre; without {@code u.genre} the 19 genres of the 100K README are used, in their fixed order;
 *   <li>user {@code n} becomes end user {@code ml-u<n>}, first seen at their first rating, country unknown;
 *   <li>each rating becomes one event at the rating's time: 4 stars or more is {@code like}, 2 or fewer
 *       {@code dislike}, anything between (2.5..3.5) a {@code play}, i.e. watched without a strong opinion. The client
 *       event id {@code ml-r-<user>-<movie>-<unix time>} keeps a re-rating a separate event while a repeated line is
 *       the same event.
 * </ul>
 * Rejected rows: wrong column count, non-numeric ids, ratings outside 0.5..5, unknown movies, repeated movie ids,
 * genre flags other than 0/1, impossible release dates. {@code tags.csv}, {@code links.csv} and {@code u.user} are not
 * read: the platform has no place for them.
 */
public final class MovieLensImporter implements DatasetImporter {
    public static final String NAME = "movielens";
    static final String RATINGS_CSV = "ratings.csv";
    static final String MOVIES_CSV = "movies.csv";
    static final String U_DATA = "u.data";
    static final String U_ITEM = "u.item";
    static final String U_GENRE = "u.genre";
    /** The genre flags of {@code u.item}, in order, from the ml-100k README; used when {@code u.genre} is absent. */
    static final List<String> ML100K_GENRES = List.of("unknown", "Action", "Adventure", "Animation", "Children's",
            "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
            "Sci-Fi", "Thriller", "War", "Western");
    private static final List<String> NO_GENRE = List.of("(no genres listed)", "unknown");
    private static final Pattern TITLE_YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");
    private static final DateTimeFormatter ML100K_DATE =
            DateTimeFormatter.ofPattern("dd-MMM-uuuu", Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
    /** 9999-12-31T23:59:59Z: later Unix times cannot be written as the schema's date-time. */
    private static final long MAX_UNIX_TIME = 253_402_300_799L;
    /** The catalog store's sanity range for release years. */
    private static final int MIN_YEAR = SpotifySongsImporter.MIN_YEAR;
    private static final int MAX_YEAR = SpotifySongsImporter.MAX_YEAR;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "MovieLens ratings, ml-latest (" + RATINGS_CSV + ", " + MOVIES_CSV + ") or ml-100k (" + U_DATA + ", "
                + U_ITEM + ", " + U_GENRE + ")";
    }

    @Override
    public ImportResult importInto(ImportRequest request, Consumer<? super InteractionEvent> events) throws IOException {
        Path dir = request.dataDir();
        boolean latest = Files.isRegularFile(dir.resolve(RATINGS_CSV));
        boolean ml100k = Files.isRegularFile(dir.resolve(U_DATA));
        if (latest && ml100k) {
            throw ImportErrors.bothMovieLensLayouts(dir);
        }
        if (!latest && !ml100k) {
            throw Files.isDirectory(dir) ? ImportErrors.noMovieLensLayout(dir) : ImportErrors.notADirectory(NAME, dir);
        }
        Movies movies = new Movies(request.org().orgId());
        ImportRun run;
        if (latest) {
            run = new ImportRun(NAME, request, List.of(MOVIES_CSV, RATINGS_CSV), events);
            run.read(MOVIES_CSV, RowFormat.csvWithHeader("movieId", "title", "genres"), row -> movies.add(
                    row.id("movieId"), row.requiredText("title"), null, List.of(row.get("genres").split("\\|"))));
            readRatings(run, movies, RATINGS_CSV, MOVIES_CSV,
                    RowFormat.csvWithHeader("userId", "movieId", "rating", "timestamp"), "userId", "movieId");
        } else {
            run = new ImportRun(NAME, request, List.of(U_ITEM, U_DATA), events);
            List<String> genres = run.has(U_GENRE) ? readGenreList(run) : ML100K_GENRES;
            run.read(U_ITEM, RowFormat.positional(StandardCharsets.ISO_8859_1, '|', itemColumns(genres)),
                    row -> addItem(row, genres, movies));
            readRatings(run, movies, U_DATA, U_ITEM, RowFormat.positional(StandardCharsets.ISO_8859_1, '\t',
                    List.of("user id", "item id", "rating", "timestamp")), "user id", "item id");
        }
        return new ImportResult(movies.catalog(request), run.finish());
    }

    private static void readRatings(ImportRun run, Movies movies, String file, String movieFile, RowFormat format,
            String userColumn, String movieColumn) throws IOException {
        String org = run.orgId();
        run.read(file, format, row -> {
            long user = row.id(userColumn);
            long movie = row.id(movieColumn);
            if (!movies.contains(movie)) {
                throw new BadRowException(movieColumn + " " + movie + " is not in " + movieFile);
            }
            double rating = row.number("rating", 0.5, 5.0);
            long time = row.integer("timestamp", 0, MAX_UNIX_TIME);
            Instant at = Instant.ofEpochSecond(time);
            run.emit(new InteractionEvent(org, userId(user), trackId(movie), eventType(rating), 0, 0, at,
                    InteractionContext.UNKNOWN, "ml-r-" + user + "-" + movie + "-" + time, 1));
            movies.rated(user, movie, at);
        });
    }

    /** The rating mapping: see the class comment. */
    static EventType eventType(double rating) {
        if (rating >= 4.0) {
            return EventType.LIKE;
        }
        return rating <= 2.0 ? EventType.DISLIKE : EventType.PLAY;
    }

    /** Reads {@code u.genre} ({@code name|index}) into a list by index; a gap (a rejected line) has no name. */
    private static List<String> readGenreList(ImportRun run) throws IOException {
        Map<Integer, String> byIndex = new HashMap<>();
        run.read(U_GENRE, RowFormat.positional(StandardCharsets.ISO_8859_1, '|', List.of("genre", "index")), row -> {
            String name = row.requiredText("genre");
            int index = (int) row.integer("index", 0, 999);
            if (byIndex.putIfAbsent(index, name) != null) {
                throw new BadRowException("genre index " + index + " appears twice");
            }
        });
        if (byIndex.isEmpty()) {
            return ML100K_GENRES;
        }
        int size = byIndex.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<String> genres = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            genres.add(byIndex.get(i));
        }
        return genres;
    }

    private static List<String> itemColumns(List<String> genres) {
        List<String> columns = new ArrayList<>(List.of("movie id", "movie title", "release date", "video release date",
                "IMDb URL"));
        for (int i = 0; i < genres.size(); i++) {
            columns.add(flagColumn(i, genres));
        }
        return columns;
    }

    private static String flagColumn(int index, List<String> genres) {
        // Unique even when u.genre repeats a name, since it also keys the row's column index.
        return "flag " + index + (genres.get(index) == null ? "" : " (" + genres.get(index) + ")");
    }

    private static void addItem(Row row, List<String> genres, Movies movies) throws BadRowException {
        long id = row.id("movie id");
        String title = row.requiredText("movie title");
        String date = row.get("release date").trim();
        Integer year = null;
        if (!date.isEmpty()) {
            try {
                year = LocalDate.parse(date, ML100K_DATE).getYear();
            } catch (DateTimeParseException e) {
                throw new BadRowException("release date '" + Row.abbreviate(date) + "' is not a DD-Mon-YYYY date");
            }
            if (!plausibleYear(year)) {
                throw new BadRowException("release date '" + date + "' is outside the years " + MIN_YEAR + ".." + MAX_YEAR);
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < genres.size(); i++) {
            // A flag whose name u.genre lost (a rejected line) is still checked, but has no genre to add.
            if (row.integer(flagColumn(i, genres), 0, 1) == 1 && genres.get(i) != null) {
                names.add(genres.get(i));
            }
        }
        movies.add(id, title, year, names);
    }

    private static boolean plausibleYear(int year) {
        return year >= MIN_YEAR && year <= MAX_YEAR;
    }

    static String userId(long user) {
        return "ml-u" + user;
    }

    static String trackId(long movie) {
        return "ml-m" + movie;
    }

    /** Movies, genres, users and rating counts, in the order the files introduce them. */
    private static final class Movies {
        private final String org;
        private final Map<Long, Track> movies = new LinkedHashMap<>();
        private final Map<String, Genre> genres = new LinkedHashMap<>();
        private final NamedIds genreIds = new NamedIds("ml-g-");
        private final Map<Long, Instant> firstSeen = new LinkedHashMap<>();
        private final Map<Long, Integer> ratings = new HashMap<>();

        Movies(String org) {
            this.org = org;
        }

        boolean contains(long movie) {
            return movies.containsKey(movie);
        }

        void add(long id, String title, Integer releaseYear, List<String> genreNames) throws BadRowException {
            if (movies.containsKey(id)) {
                throw new BadRowException("movie id " + id + " appears twice");
            }
            if (releaseYear == null) {
                Matcher m = TITLE_YEAR.matcher(title);
                releaseYear = m.find() ? Integer.valueOf(m.group(1)) : null;
                if (releaseYear != null && !plausibleYear(releaseYear)) {
                    releaseYear = null; // "(0000)" is part of a title, not a year
                }
            }
            List<String> ids = new ArrayList<>(genreNames.size());
            for (String raw : genreNames) {
                String name = raw.trim();
                if (name.isEmpty() || NO_GENRE.contains(name)) {
                    continue;
                }
                String genreId = genreIds.idFor(name);
                genres.computeIfAbsent(genreId, g -> new Genre(org, g, name, null));
                if (!ids.contains(genreId)) {
                    ids.add(genreId);
                }
            }
            movies.put(id, new Track(org, trackId(id), title, null, null, releaseYear, 0, 0, ids));
        }

        void rated(long user, long movie, Instant at) {
            firstSeen.merge(user, at, (a, b) -> a.isBefore(b) ? a : b);
            ratings.merge(movie, 1, Integer::sum);
        }

        Catalog catalog(ImportRequest request) {
            int max = ratings.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<Track> tracks = new ArrayList<>(movies.size());
            movies.forEach((id, t) -> tracks.add(new Track(org, t.trackId(), t.title(), null, null, t.releaseYear(), 0,
                    Popularity.logScaled(ratings.getOrDefault(id, 0), max), t.genreIds())));
            List<EndUser> users = new ArrayList<>(firstSeen.size());
            firstSeen.forEach((user, at) -> users.add(new EndUser(org, userId(user), null, at)));
            return new Catalog(List.of(request.org()), users, List.of(), List.copyOf(genres.values()), tracks, List.of());
        }
    }
}
