package io.tunetrail.api.service;

import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.RecommendationService.Item;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The filters and business rules every recommendation route takes, parsed and validated once from the query:
 * {@code exclude_seen}, include/exclude genres and artists, audio-feature ranges ({@code min_<feature>},
 * {@code max_<feature>}), boosts by genre and by recency, and a cap per artist. Applied by {@link #apply} to a
 * route's ranked candidates, in this order: drop (seen, unknown to the catalog, outside the filters), reorder by the
 * boosts, cap per artist.
 *
 * <p>Boosts reorder without comparing the sources' scores (a model's score and a popularity are on different scales):
 * an item's base is its rank in the route's list, {@code 1 - rank / n}, multiplied by {@code 1 + boost_genre_weight}
 * when it has a boosted genre and by {@code 1 + boost_recency * r}, where {@code r} falls from 1 for a track released
 * this year to 0 at {@value #RECENCY_YEARS} years old (unknown year: 0). Each item keeps its own score.
 */
public final class RecommendationFilter {
    /** Ids a list parameter takes at most. */
    public static final int MAX_IDS = 50;
    static final int RECENCY_YEARS = 10;
    static final double DEFAULT_GENRE_WEIGHT = 0.5;
    private static final double MAX_WEIGHT = 10;

    /** Every query parameter this reads, for the API's documentation. */
    public static final List<String> QUERY_PARAMS;
    private static final Set<String> KNOWN;

    static {
        List<String> names = new ArrayList<>(List.of("exclude_seen", "include_genres", "exclude_genres", "include_artists", "exclude_artists",
                "boost_genres", "boost_genre_weight", "boost_recency", "max_per_artist"));
        for (AudioFeature f : AudioFeature.values()) {
            names.add("min_" + f.column());
            names.add("max_" + f.column());
        }
        QUERY_PARAMS = List.copyOf(names);
        KNOWN = Set.copyOf(names);
    }

    /** No filter, no rule: the route's own list. */
    public static final RecommendationFilter NONE = new RecommendationFilter();

    private Boolean excludeSeen;
    private Set<String> includeGenres = Set.of();
    private Set<String> excludeGenres = Set.of();
    private Set<String> includeArtists = Set.of();
    private Set<String> excludeArtists = Set.of();
    private Set<String> boostGenres = Set.of();
    private double boostGenreWeight = DEFAULT_GENRE_WEIGHT;
    private double boostRecency;
    private int maxPerArtist;
    private double[] min;
    private double[] max;

    private RecommendationFilter() {}

    /**
     * The filter the query asks for ({@link #NONE} when it names none of {@link #QUERY_PARAMS}); a bad value is a 400
     * naming its parameter. {@code exclude_recent}, the daily mix's older name for {@code exclude_seen}, is accepted.
     */
    public static RecommendationFilter parse(Map<String, List<String>> query) {
        if (query.isEmpty()) {
            return NONE;
        }
        RecommendationFilter f = null;
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String name = e.getKey();
            if (!name.equals("exclude_recent") && !KNOWN.contains(name)) {
                continue;
            }
            if (e.getValue().size() != 1) {
                throw Check.invalid(name, "'" + name + "' is given " + e.getValue().size() + " times; give it once");
            }
            if (f == null) {
                f = new RecommendationFilter();
            }
            f.set(name, e.getValue().get(0));
        }
        if (f == null) {
            return NONE;
        }
        f.check();
        return f;
    }

    private void set(String name, String value) {
        switch (name) {
            case "exclude_seen", "exclude_recent" -> {
                boolean v = bool(name, value);
                if (excludeSeen != null && excludeSeen != v) {
                    throw Check.invalid("exclude_recent", "'exclude_recent' is the older name of 'exclude_seen' and says the opposite; give one");
                }
                excludeSeen = v;
            }
            case "include_genres" -> includeGenres = ids(name, value);
            case "exclude_genres" -> excludeGenres = ids(name, value);
            case "include_artists" -> includeArtists = ids(name, value);
            case "exclude_artists" -> excludeArtists = ids(name, value);
            case "boost_genres" -> boostGenres = ids(name, value);
            case "boost_genre_weight" -> boostGenreWeight = number(name, value, 0, MAX_WEIGHT);
            case "boost_recency" -> boostRecency = number(name, value, 0, MAX_WEIGHT);
            case "max_per_artist" -> maxPerArtist = Check.intParam(name, value, 0, 1, 100);
            default -> {
                AudioFeature feature = feature(name.substring(4));
                double v = number(name, value, feature.min(), feature.max());
                if (min == null) {
                    min = new double[AudioFeature.values().length];
                    max = new double[min.length];
                    Arrays.fill(min, Double.NaN);
                    Arrays.fill(max, Double.NaN);
                }
                (name.startsWith("min_") ? min : max)[feature.ordinal()] = v;
            }
        }
    }

    private void check() {
        disjoint("exclude_genres", includeGenres, excludeGenres);
        disjoint("exclude_artists", includeArtists, excludeArtists);
        if (min != null) {
            for (AudioFeature f : AudioFeature.values()) {
                if (min[f.ordinal()] > max[f.ordinal()]) {
                    throw Check.invalid("max_" + f.column(), "'max_" + f.column() + "' is below 'min_" + f.column() + "'");
                }
            }
        }
    }

    private static void disjoint(String field, Set<String> include, Set<String> exclude) {
        for (String id : exclude) {
            if (include.contains(id)) {
                throw Check.invalid(field, "'" + id + "' is both included and excluded; name it in one of the two");
            }
        }
    }

    /** {@code exclude_seen} as asked, or {@code whenUnsaid} when the query does not say. */
    public boolean excludeSeen(boolean whenUnsaid) {
        return excludeSeen == null ? whenUnsaid : excludeSeen;
    }

    /** Whether the query asked for {@code exclude_seen=true} (which needs a listener). */
    public boolean asksToExcludeSeen() {
        return Boolean.TRUE.equals(excludeSeen);
    }

    /** Whether applying this needs the candidates' catalog cards. */
    public boolean needsCards() {
        return restricts() || !boostGenres.isEmpty() || boostRecency > 0;
    }

    /** Whether this can leave out tracks the route's list has (so a short list needs topping up from the catalog). */
    public boolean restricts() {
        return !includeGenres.isEmpty() || !excludeGenres.isEmpty() || !includeArtists.isEmpty() || !excludeArtists.isEmpty()
                || min != null || maxPerArtist > 0;
    }

    public Set<String> includeGenres() {
        return includeGenres;
    }

    public Set<String> includeArtists() {
        return includeArtists;
    }

    /** This filter boosting {@code genres} as well (a listener's taste), at the default weight unless one was asked for. */
    public RecommendationFilter boosting(Collection<String> genres) {
        if (genres.isEmpty()) {
            return this;
        }
        RecommendationFilter f = copy();
        Set<String> all = new LinkedHashSet<>(boostGenres);
        all.addAll(genres);
        f.boostGenres = all;
        return f;
    }

    private RecommendationFilter copy() {
        RecommendationFilter f = new RecommendationFilter();
        f.excludeSeen = excludeSeen;
        f.includeGenres = includeGenres;
        f.excludeGenres = excludeGenres;
        f.includeArtists = includeArtists;
        f.excludeArtists = excludeArtists;
        f.boostGenres = boostGenres;
        f.boostGenreWeight = boostGenreWeight;
        f.boostRecency = boostRecency;
        f.maxPerArtist = maxPerArtist;
        f.min = min;
        f.max = max;
        return f;
    }

    /** Whether a track passes the genre, artist and audio-feature filters (a track without audio features fails a range). */
    public boolean accepts(TrackCard c) {
        if (!includeGenres.isEmpty() && c.genreIds().stream().noneMatch(includeGenres::contains)) {
            return false;
        }
        if (!excludeGenres.isEmpty() && c.genreIds().stream().anyMatch(excludeGenres::contains)) {
            return false;
        }
        if (!includeArtists.isEmpty() && (c.artistId() == null || !includeArtists.contains(c.artistId()))) {
            return false;
        }
        if (c.artistId() != null && excludeArtists.contains(c.artistId())) {
            return false;
        }
        if (min != null) {
            for (AudioFeature f : AudioFeature.values()) {
                double lo = min[f.ordinal()];
                double hi = max[f.ordinal()];
                if (Double.isNaN(lo) && Double.isNaN(hi)) {
                    continue;
                }
                double v = c.feature(f);
                if (Double.isNaN(v) || v < lo || v > hi) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The route's ranked {@code candidates} without {@code seen}, filtered, reordered by the boosts and capped per
     * artist. {@code cards} may be null when this needs none; a track the catalog does not have is left out when this
     * filters or reorders (it cannot be judged), kept otherwise.
     */
    public List<Item> apply(List<Item> candidates, Map<String, TrackCard> cards, Set<String> seen, int currentYear) {
        List<Item> kept = new ArrayList<>(candidates.size());
        for (Item i : candidates) {
            if (seen.contains(i.trackId())) {
                continue;
            }
            if (cards != null) {
                TrackCard c = cards.get(i.trackId());
                // A track the catalog does not have cannot be judged by a filter; with none it is served as before.
                if (c == null ? needsCards() : !accepts(c)) {
                    continue;
                }
            }
            kept.add(i);
        }
        if (cards != null && (!boostGenres.isEmpty() || boostRecency > 0)) {
            kept = boosted(kept, cards, currentYear);
        }
        if (cards != null && maxPerArtist > 0) {
            Map<String, Integer> perArtist = new HashMap<>();
            List<Item> capped = new ArrayList<>(kept.size());
            for (Item i : kept) {
                String artist = cards.get(i.trackId()).artistId();
                if (artist == null || perArtist.merge(artist, 1, Integer::sum) <= maxPerArtist) {
                    capped.add(i);
                }
            }
            kept = capped;
        }
        return kept;
    }

    private List<Item> boosted(List<Item> items, Map<String, TrackCard> cards, int currentYear) {
        int n = items.size();
        double[] weight = new double[n];
        Integer[] order = new Integer[n];
        for (int rank = 0; rank < n; rank++) {
            TrackCard c = cards.get(items.get(rank).trackId());
            double w = 1.0 - (double) rank / n;
            if (!boostGenres.isEmpty() && c.genreIds().stream().anyMatch(boostGenres::contains)) {
                w *= 1 + boostGenreWeight;
            }
            if (boostRecency > 0 && c.releaseYear() != null) {
                double age = Math.max(0, currentYear - c.releaseYear());
                w *= 1 + boostRecency * Math.max(0, 1 - age / RECENCY_YEARS);
            }
            weight[rank] = w;
            order[rank] = rank;
        }
        // Stable: equal weights keep the route's order.
        Arrays.sort(order, Comparator.comparingDouble((Integer r) -> -weight[r]));
        List<Item> out = new ArrayList<>(n);
        for (Integer r : order) {
            out.add(items.get(r));
        }
        return out;
    }

    private static Set<String> ids(String name, String csv) {
        if (csv.isBlank()) {
            return Set.of();
        }
        String[] parts = csv.split(",", -1);
        if (parts.length > MAX_IDS) {
            throw Check.invalid(name, "'" + name + "' names " + parts.length + " ids; at most " + MAX_IDS);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : parts) {
            if (id.isBlank()) {
                throw Check.invalid(name, "'" + name + "' has an empty id; separate ids by single commas");
            }
            out.add(Check.id(name, id.strip()));
        }
        return Set.copyOf(out);
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Check.invalid(name, "'" + name + "' must be true or false, not '" + value + "'");
        };
    }

    private static double number(String name, String value, double lo, double hi) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw Check.invalid(name, "'" + name + "' must be a number, not '" + value + "'");
        }
        if (!(v >= lo && v <= hi)) {
            throw Check.invalid(name, String.format(Locale.ROOT, "'%s' is %s; it must be %s..%s", name, value, trim(lo), trim(hi)));
        }
        return v;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static AudioFeature feature(String column) {
        for (AudioFeature f : AudioFeature.values()) {
            if (f.column().equals(column)) {
                return f;
            }
        }
        throw new IllegalStateException("no audio feature " + column);
    }
}
