package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Artist;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.Genre;
import io.tunetrail.model.Org;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.Track;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Builds one org's world: org row, genre tree, artists, tracks with audio features and popularity, listeners with
 * their taste clusters. Every entity draws from its own seeded stream, so adding listeners does not change tracks.
 */
final class CatalogBuilder {
    private CatalogBuilder() {}

    /** Where an org's listeners live: one home time zone and the countries that share it. */
    private record Home(String id, String name, String zone, List<String> countries, double[] weights) {}

    private static final List<Home> HOMES = List.of(
            new Home("riverbeat", "Riverbeat Music", "America/New_York", List.of("US", "CA"), new double[] {0.88, 0.12}),
            new Home("nordwave", "Nordwave Radio", "Europe/Berlin", List.of("DE", "AT", "NL", "FR", "CH"),
                    new double[] {0.55, 0.15, 0.12, 0.10, 0.08}),
            new Home("lumen-fm", "Lumen FM", "Europe/London", List.of("GB", "IE", "PT"), new double[] {0.82, 0.15, 0.03}),
            new Home("sakura-sound", "Sakura Sound", "Asia/Tokyo", List.of("JP"), new double[] {1.0}),
            new Home("pampa-music", "Pampa Music", "America/Sao_Paulo", List.of("BR", "AR"), new double[] {0.9, 0.1}),
            new Home("kookaburra", "Kookaburra Audio", "Australia/Sydney", List.of("AU"), new double[] {1.0}));

    // Stream tags, so that the draws of different kinds of entities never overlap.
    private static final long ARTISTS = 2;
    private static final long TRACKS = 3;
    private static final long ALBUMS = 4;
    private static final long USERS = 5;
    private static final long FAVOURITES = 6;

    /** Zipf exponent of play weight over popularity rank: the top 10% of tracks get most plays, as on real services. */
    static final double POPULARITY_EXPONENT = 0.9;
    /** Share of tracks of a genre in a correlated pair that also carry the partner genre. */
    private static final double CROSSOVER_SHARE = 0.08;
    /** Share of listeners who were already listeners before the span; the rest join during it. */
    private static final double EXISTING_USERS = 0.8;

    static OrgWorld build(GeneratorSettings s, int orgIndex, PlanCatalog plans) {
        Home home = HOMES.get(orgIndex % HOMES.size());
        int round = orgIndex / HOMES.size();
        String orgId = round == 0 ? home.id() : home.id() + "-" + (round + 1);
        String orgName = round == 0 ? home.name() : home.name() + " " + (round + 1);
        PlanCatalog.Plan plan = plans.plan(s.planId(orgIndex));
        Org org = new Org(orgId, orgName, plan.id());
        long seed = Rand.mix(s.seed(), orgIndex);

        int trackCount = s.tracksPerOrg(orgIndex);
        Long maxTracks = plan.limit("tracks").max();
        if (maxTracks != null) {
            trackCount = (int) Math.min(trackCount, maxTracks);
        }
        int artistCount = GeneratorSettings.artistsFor(trackCount);

        // Artists, grouped by genre in proportion to the genres' catalog shares.
        double[] shares = GenreTaxonomy.GENRES.stream().mapToDouble(GenreTaxonomy.Top::catalogShare).toArray();
        int[] artistsPerGenre = allocate(artistCount, shares, 1);
        artistCount = IntStream.of(artistsPerGenre).sum();
        int[] artistGenre = new int[artistCount];
        int[] artistSub = new int[artistCount];
        double[] artistFactor = new double[artistCount];
        double[][] artistOffset = new double[artistCount][];
        int[][] genreArtists = new int[GenreTaxonomy.COUNT][];
        List<Artist> artists = new ArrayList<>(artistCount);
        for (int g = 0, a = 0; g < GenreTaxonomy.COUNT; g++) {
            genreArtists[g] = new int[artistsPerGenre[g]];
            for (int i = 0; i < artistsPerGenre[g]; i++, a++) {
                SplittableRandom r = new SplittableRandom(Rand.mix(seed, ARTISTS, a));
                artistGenre[a] = g;
                artistSub[a] = r.nextInt(GenreTaxonomy.GENRES.get(g).subgenres().size());
                artistFactor[a] = Rand.lognormalFactor(r, 1.0);
                // An artist has a sound of its own: a tempo, energy and danceability a little off its genre's.
                artistOffset[a] = new double[] {Rand.gaussian(r, 0, 4), Rand.gaussian(r, 0, 0.05), Rand.gaussian(r, 0, 0.05)};
                genreArtists[g][i] = a;
                artists.add(new Artist(orgId, id("ar-", a, 5), Names.artist(r)));
            }
        }

        // Tracks: by genre, each to an artist of the genre (a few prolific artists, many with one or two tracks).
        int[] tracksPerGenre = allocate(trackCount, shares, 2);
        trackCount = IntStream.of(tracksPerGenre).sum();
        int endYear = s.end().atZone(ZoneOffset.UTC).getYear();
        int[] trackGenre = new int[trackCount];
        int[] trackArtist = new int[trackCount];
        double[] score = new double[trackCount];
        double[] popularityNoise = new double[trackCount];
        TrackDraft[] drafts = new TrackDraft[trackCount];
        int[] artistTrackCount = new int[artistCount];
        for (int g = 0, t = 0; g < GenreTaxonomy.COUNT; g++) {
            double[] artistCdf = zipfCdf(genreArtists[g].length, 0.8);
            GenreTaxonomy.Top top = GenreTaxonomy.GENRES.get(g);
            int partner = TasteClusters.crossoverPartner(g);
            for (int i = 0; i < tracksPerGenre[g]; i++, t++) {
                SplittableRandom r = new SplittableRandom(Rand.mix(seed, TRACKS, t));
                int a = genreArtists[g][Rand.pick(artistCdf, r)];
                int sub = r.nextDouble() < 0.8 ? artistSub[a] : r.nextInt(top.subgenres().size());
                GenreTaxonomy.Sub subgenre = top.subgenres().get(sub);
                List<String> genreIds = new ArrayList<>(List.of(top.id(), subgenre.id()));
                if (partner >= 0 && r.nextDouble() < CROSSOVER_SHARE) {
                    genreIds.add(GenreTaxonomy.id(partner));
                }
                trackGenre[t] = g;
                trackArtist[t] = a;
                score[t] = StrictMath.log(artistFactor[a]) + 0.8 * Rand.gumbel(r);
                popularityNoise[t] = Rand.gaussian(r, 0, 3);
                drafts[t] = new TrackDraft(Names.track(r), artistTrackCount[a]++, genreIds,
                        AudioDraw.features(r, subgenre.profile(), artistOffset[a], endYear));
            }
        }

        // Popularity rank: a weighted random order (artist fame plus luck); play weight is Zipf over the rank.
        Integer[] order = new Integer[trackCount];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
        double[] weight = new double[trackCount];
        int[] popularity = new int[trackCount];
        for (int rank = 0; rank < trackCount; rank++) {
            int t = order[rank];
            weight[t] = StrictMath.pow(rank + 1, -POPULARITY_EXPONENT);
            popularity[t] = (int) Rand.clamp(Math.round(100 * StrictMath.pow(rank + 1, -0.225) + popularityNoise[t]), 0, 100);
        }

        List<Track> tracks = new ArrayList<>(trackCount);
        List<AudioFeatures> features = new ArrayList<>(trackCount);
        List<String> trackIds = new ArrayList<>(trackCount);
        long[] durations = new long[trackCount];
        for (int t = 0; t < trackCount; t++) {
            TrackDraft d = drafts[t];
            int a = trackArtist[t];
            String trackId = id("tr-", t, 6);
            String album = Names.album(new SplittableRandom(Rand.mix(seed, ALBUMS, a, d.ordinalInArtist / 10)));
            tracks.add(new Track(orgId, trackId, d.title, artists.get(a).artistId(), album, d.audio.releaseYear(),
                    d.audio.durationMs(), popularity[t], d.genreIds));
            features.add(d.audio.toFeatures(orgId, trackId));
            trackIds.add(trackId);
            durations[t] = d.audio.durationMs();
        }

        boolean[][] favourite = new boolean[TasteClusters.COUNT][artistCount];
        for (int c = 0; c < TasteClusters.COUNT; c++) {
            for (int a = 0; a < artistCount; a++) {
                favourite[c][a] = Rand.unit(Rand.mix(seed, FAVOURITES, c, a)) < TrackIndex.FAVOURITE_ARTIST_SHARE;
            }
        }
        TrackIndex index = new TrackIndex(trackIds, durations, popularity, weight, trackGenre, trackArtist, features,
                (c, a) -> favourite[c][a]);

        // Listeners: a taste cluster each, a country of the org's home, and the day they first showed up.
        int userCount = s.usersPerOrg(orgIndex);
        List<EndUser> users = new ArrayList<>(userCount);
        int[] userCluster = new int[userCount];
        Instant start = s.start();
        long spanSeconds = Duration.ofDays(s.days()).toSeconds();
        for (int u = 0; u < userCount; u++) {
            SplittableRandom r = new SplittableRandom(Rand.mix(seed, USERS, u));
            userCluster[u] = Rand.pickWeighted(TasteClusters.shares(), r);
            String country = home.countries().get(Rand.pickWeighted(home.weights(), r));
            Instant firstSeen = r.nextDouble() < EXISTING_USERS
                    ? start.minusSeconds(86_400L + r.nextLong(900L * 86_400L))
                    : start.plusSeconds(r.nextLong(spanSeconds));
            users.add(new EndUser(orgId, id("u-", u, 6), country, firstSeen));
        }

        return new OrgWorld(orgIndex, org, ZoneId.of(home.zone()), start, s.end(), users, userCluster, artists,
                genreRows(orgId), tracks, features, index);
    }

    private record TrackDraft(String title, int ordinalInArtist, List<String> genreIds, AudioDraw audio) {}

    private static List<Genre> genreRows(String orgId) {
        List<Genre> rows = new ArrayList<>();
        for (GenreTaxonomy.Top top : GenreTaxonomy.GENRES) {
            rows.add(new Genre(orgId, top.id(), top.name(), null));
            for (GenreTaxonomy.Sub sub : top.subgenres()) {
                rows.add(new Genre(orgId, sub.id(), sub.name(), top.id()));
            }
        }
        return rows;
    }

    /** Splits {@code total} by shares (largest remainder), giving each part at least {@code min}. */
    static int[] allocate(int total, double[] shares, int min) {
        int[] out = new int[shares.length];
        double[] remainder = new double[shares.length];
        int used = 0;
        for (int i = 0; i < shares.length; i++) {
            double exact = total * shares[i];
            out[i] = Math.max(min, (int) Math.floor(exact));
            remainder[i] = exact - Math.floor(exact);
            used += out[i];
        }
        Integer[] byRemainder = new Integer[shares.length];
        Arrays.setAll(byRemainder, i -> i);
        Arrays.sort(byRemainder, Comparator.<Integer>comparingDouble(i -> -remainder[i]).thenComparingInt(i -> i));
        for (int k = 0; used < total; k = (k + 1) % shares.length) {
            out[byRemainder[k]]++;
            used++;
        }
        return out;
    }

    private static double[] zipfCdf(int n, double exponent) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = StrictMath.pow(i + 1, -exponent);
        }
        return Rand.cumulative(w);
    }

    private static String id(String prefix, int index, int digits) {
        String n = Integer.toString(index + 1);
        return n.length() >= digits ? prefix + n : prefix + "0".repeat(digits - n.length()) + n;
    }
}
