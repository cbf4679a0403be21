package io.tunetrail.ingestion.importers;

import io.tunetrail.model.Artist;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Track;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Imports Last.fm HetRec 2011 ({@code hetrec2011-lastfm-2k}): who listened to which artist how often, and tags.
 *
 * <p>Mapping:
 * <ul>
 *   <li>each userID of {@code user_artists.dat} becomes end user {@code lfm-u<id>} (the set has no user file);
 *   <li>each artist of {@code artists.dat} becomes artist {@code lfm-a<id>} <em>and</em> track {@code lfm-a<id>}
 *       titled with the artist's name, because Last.fm-2k counts plays per artist, not per song;
 *   <li>each tag of {@code tags.dat} (ISO-8859-1) becomes genre {@code lfm-t<id>}; a track's genres are its artist's
 *       {@value #TRACK_GENRES} most often assigned tags (ties: lower tag id first);
 *   <li>each row of {@code user_artists.dat} becomes one {@code play} event with {@code count = weight}; a weight
 *       above the schema's maximum count is split over several events so that the counts still add up;
 *   <li>track popularity is the artist's listener count on a log scale: {@code round(100 * ln(1 + n) / ln(1 + max))}.
 * </ul>
 *
 * <p>The set has no times. An event's time is the request's reference time minus an offset of less than
 * {@link #TIME_SPREAD} that is a hash of (user, artist): stable across runs and file orders, spread over a year so
 * that time windows downstream see a plausible history, and never after the reference time. The client event id
 * {@code lfm-p-<user>-<artist>} makes a re-import of the same pair the same event. An end user's {@code firstSeen} is
 * their earliest event time; their country is unknown (null).
 *
 * <p>Rejected rows: wrong column count, non-numeric ids, weights below 1, artists or tags not in their files, repeated
 * ids and user-artist pairs, tag assignments with an impossible date. In the release, 1,538 tag assignments name
 * artists missing from {@code artists.dat} and are rejected for it. A tag assignment's user is only checked to be a
 * number: tags feed track genres, not users. Its date is checked but not used (the readme calls years before 2005
 * noise). {@code user_friends.dat} is not read: the platform has no place for friendships yet.
 */
public final class LastFmImporter implements DatasetImporter {
    public static final String NAME = "lastfm-2k";
    static final String ARTISTS = "artists.dat";
    static final String TAGS = "tags.dat";
    static final String TAGGINGS = "user_taggedartists.dat";
    static final String PLAYS = "user_artists.dat";
    static final int TRACK_GENRES = 3;
    static final Duration TIME_SPREAD = Duration.ofDays(365);
    /** The schema's maximum {@code count} of one event. */
    static final int MAX_COUNT = 1_000_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Last.fm HetRec 2011 play counts per user and artist, with tags (" + String.join(", ", files()) + ")";
    }

    private static List<String> files() {
        return List.of(ARTISTS, TAGS, TAGGINGS, PLAYS);
    }

    @Override
    public ImportResult importInto(ImportRequest request, Consumer<? super InteractionEvent> events) throws IOException {
        ImportRun run = new ImportRun(NAME, request, files(), events);
        String org = run.orgId();

        Map<Long, String> artists = new LinkedHashMap<>();
        run.read(ARTISTS, RowFormat.tsvWithHeader(StandardCharsets.UTF_8, "id", "name", "url", "pictureURL"), row -> {
            long id = row.id("id");
            String name = row.requiredText("name");
            if (artists.containsKey(id)) {
                throw new BadRowException("artist id " + id + " appears twice");
            }
            artists.put(id, name);
        });

        Map<Long, String> tags = new LinkedHashMap<>();
        run.read(TAGS, RowFormat.tsvWithHeader(StandardCharsets.ISO_8859_1, "tagID", "tagValue"), row -> {
            long id = row.id("tagID");
            String value = row.requiredText("tagValue");
            if (tags.containsKey(id)) {
                throw new BadRowException("tag id " + id + " appears twice");
            }
            tags.put(id, value);
        });

        Map<Long, Map<Long, Integer>> tagUses = new HashMap<>();
        run.read(TAGGINGS, RowFormat.tsvWithHeader(StandardCharsets.UTF_8,
                "userID", "artistID", "tagID", "day", "month", "year"), row -> {
            row.id("userID");
            long artist = knownArtist(row, artists);
            long tag = row.id("tagID");
            if (!tags.containsKey(tag)) {
                throw new BadRowException("tagID " + tag + " is not in " + TAGS);
            }
            checkDate(row);
            tagUses.computeIfAbsent(artist, a -> new HashMap<>()).merge(tag, 1, Integer::sum);
        });

        Map<Long, Instant> firstSeen = new LinkedHashMap<>();
        Map<Long, Integer> listeners = new HashMap<>();
        Map<Pair, Long> pairs = new HashMap<>();
        run.read(PLAYS, RowFormat.tsvWithHeader(StandardCharsets.UTF_8, "userID", "artistID", "weight"), row -> {
            long user = row.id("userID");
            long artist = knownArtist(row, artists);
            long weight = row.integer("weight", 1, Long.MAX_VALUE);
            Long earlier = pairs.putIfAbsent(new Pair(user, artist), row.line());
            if (earlier != null) {
                throw new BadRowException("user " + user + " and artist " + artist + " already appear on line " + earlier);
            }
            Instant time = eventTime(request.referenceTime(), user, artist);
            emitPlays(run, org, user, artist, weight, time);
            firstSeen.merge(user, time, (a, b) -> a.isBefore(b) ? a : b);
            listeners.merge(artist, 1, Integer::sum);
        });

        Catalog catalog = catalog(request, artists, tags, tagUses, firstSeen, listeners);
        return new ImportResult(catalog, run.finish());
    }

    private static long knownArtist(Row row, Map<Long, String> artists) throws BadRowException {
        long artist = row.id("artistID");
        if (!artists.containsKey(artist)) {
            throw new BadRowException("artistID " + artist + " is not in " + ARTISTS);
        }
        return artist;
    }

    private static void checkDate(Row row) throws BadRowException {
        long day = row.integer("day", 1, 31);
        long month = row.integer("month", 1, 12);
        long year = row.integer("year", 1, 9999);
        try {
            LocalDate.of((int) year, (int) month, (int) day);
        } catch (DateTimeException e) {
            throw new BadRowException("date " + year + "-" + month + "-" + day + " does not exist");
        }
    }

    /** A user-artist pair: the identity of a play-count row. */
    private record Pair(long user, long artist) {}

    private static void emitPlays(ImportRun run, String org, long user, long artist, long weight, Instant time) {
        String baseId = "lfm-p-" + user + "-" + artist;
        if (weight <= MAX_COUNT) {
            run.emit(play(org, user, artist, time, baseId, (int) weight));
            return;
        }
        long left = weight;
        for (int part = 0; left > 0; part++) {
            int count = (int) Math.min(left, MAX_COUNT);
            run.emit(play(org, user, artist, time, baseId + "-" + part, count));
            left -= count;
        }
    }

    private static InteractionEvent play(String org, long user, long artist, Instant time, String eventId, int count) {
        return new InteractionEvent(org, userId(user), trackId(artist), EventType.PLAY, 0, 0, time,
                InteractionContext.UNKNOWN, eventId, count);
    }

    /** The reference time minus a stable pseudo-random offset in [0, TIME_SPREAD), to the second. */
    static Instant eventTime(Instant reference, long user, long artist) {
        // Different pairs may share an offset; that only means two plays at the same second.
        long offset = Math.floorMod(mix(user * 0x9E3779B97F4A7C15L + artist), TIME_SPREAD.toSeconds());
        return reference.minusSeconds(offset);
    }

    /** SplitMix64's finaliser: neighbouring ids land far apart, unlike a plain multiply. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static String userId(long user) {
        return "lfm-u" + user;
    }

    static String trackId(long artist) {
        return "lfm-a" + artist;
    }

    static String genreId(long tag) {
        return "lfm-t" + tag;
    }

    private static Catalog catalog(ImportRequest request, Map<Long, String> artists, Map<Long, String> tags,
            Map<Long, Map<Long, Integer>> tagUses, Map<Long, Instant> firstSeen, Map<Long, Integer> listeners) {
        String org = request.org().orgId();
        List<EndUser> users = new ArrayList<>(firstSeen.size());
        firstSeen.forEach((user, time) -> users.add(new EndUser(org, userId(user), null, time)));
        List<Genre> genres = new ArrayList<>(tags.size());
        tags.forEach((tag, name) -> genres.add(new Genre(org, genreId(tag), name, null)));
        int maxListeners = listeners.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Artist> artistList = new ArrayList<>(artists.size());
        List<Track> tracks = new ArrayList<>(artists.size());
        artists.forEach((artist, name) -> {
            String id = trackId(artist);
            artistList.add(new Artist(org, id, name));
            int popularity = Popularity.logScaled(listeners.getOrDefault(artist, 0), maxListeners);
            tracks.add(new Track(org, id, name, id, null, null, 0, popularity, topTags(tagUses.get(artist))));
        });
        return new Catalog(List.of(request.org()), users, artistList, genres, tracks, List.of());
    }

    private static List<String> topTags(Map<Long, Integer> uses) {
        if (uses == null) {
            return List.of();
        }
        return uses.entrySet().stream()
                .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TRACK_GENRES)
                .map(e -> genreId(e.getKey()))
                .toList();
    }
}
