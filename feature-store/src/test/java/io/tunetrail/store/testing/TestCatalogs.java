package io.tunetrail.store.testing;

import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.Genre;
import io.tunetrail.model.Org;
import io.tunetrail.model.Track;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Small deterministic catalogs for tests: one org, its listeners, artists, a two-level genre tree, tracks and audio
 * features, with the awkward values real catalogs have (titles with tabs, newlines, backslashes and non-ASCII
 * letters; tracks without artist or release year; ids with ':' and '/').
 */
public final class TestCatalogs {
    /** Top-level genres; each has two subgenres, {@code <parent>-a} and {@code <parent>-b}. */
    public static final List<String> PARENT_GENRES = List.of("rock", "pop", "jazz", "electronic");

    private static final String[] AWKWARD = {"Tab\there", "Line\nbreak", "Back\\slash", "Ünïcödé – ♫", "Quote's \"double\"", "CR\rLF"};

    private TestCatalogs() {}

    /** A catalog of one org with {@code tracks} tracks; the same arguments give the same catalog. */
    public static Catalog synthetic(String orgId, String planId, int tracks, long seed) {
        Random random = new Random(seed);
        List<Genre> genres = new ArrayList<>();
        for (String parent : PARENT_GENRES) {
            genres.add(new Genre(orgId, parent, capitalise(parent), null));
            genres.add(new Genre(orgId, parent + "-a", capitalise(parent) + " A", parent));
            genres.add(new Genre(orgId, parent + "-b", capitalise(parent) + " B", parent));
        }
        int artistCount = Math.max(3, tracks / 8);
        List<Artist> artists = new ArrayList<>();
        for (int i = 0; i < artistCount; i++) {
            artists.add(new Artist(orgId, "artist/" + i, "Artist " + i + (i % 50 == 0 ? " " + AWKWARD[i / 50 % AWKWARD.length] : "")));
        }
        List<Track> trackList = new ArrayList<>();
        List<AudioFeatures> features = new ArrayList<>();
        for (int i = 0; i < tracks; i++) {
            String trackId = "t:" + i;
            Set<String> genreIds = new LinkedHashSet<>();
            int n = 1 + random.nextInt(3);
            while (genreIds.size() < n) {
                genreIds.add(genres.get(random.nextInt(genres.size())).genreId());
            }
            String title = "Track " + i + (i % 97 == 0 ? " " + AWKWARD[i / 97 % AWKWARD.length] : "");
            String artist = i % 41 == 0 ? null : artists.get(random.nextInt(artistCount)).artistId();
            Integer year = i % 13 == 0 ? null : 1960 + random.nextInt(66);
            long duration = 60_000 + random.nextInt(360_000);
            trackList.add(new Track(orgId, trackId, title, artist, i % 7 == 0 ? null : "Album " + (i / 10), year, duration,
                    random.nextInt(101), List.copyOf(genreIds)));
            features.add(new AudioFeatures(orgId, trackId, 60 + random.nextDouble() * 140, random.nextInt(12) - (i % 31 == 0 ? 1 : 0),
                    random.nextInt(2), 3 + random.nextInt(5), -30 + random.nextDouble() * 30, random.nextDouble(), random.nextDouble(),
                    random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble(), duration));
        }
        List<EndUser> users = new ArrayList<>();
        String[] countries = {"DE", "US", "BR", "JP", null};
        for (int i = 0; i < Math.max(5, tracks / 10); i++) {
            users.add(new EndUser(orgId, "user@" + i, countries[i % countries.length],
                    i % 9 == 0 ? null : Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(30_000_000))));
        }
        return new Catalog(List.of(new Org(orgId, "Org " + orgId, planId)), users, artists, genres, trackList, features);
    }

    /** Several catalogs as one (e.g. two orgs loaded together). */
    public static Catalog merge(Catalog... catalogs) {
        return Catalog.concat(List.of(catalogs));
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
