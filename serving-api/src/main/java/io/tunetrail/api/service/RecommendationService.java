package io.tunetrail.api.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.model.Track;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.vector.Neighbour;
import io.tunetrail.store.vector.VectorStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommendations: the nightly model's lists from the online store (the version the org's pointer names, never a
 * mix), and the fallbacks that keep every list non-empty while the catalog is not: popularity (in the listener's
 * genres when known) and audio-embedding neighbours. Every answer names the model version that produced it and its
 * model family ({@link ServedFamilies}: the registry's, for a trained version; {@code content} for the catalog's
 * fallbacks), and gives each track a reason. Every route's list goes through the same end ({@link #finish}): the caller's
 * {@link RecommendationFilter}, paging, and the catalog fields each item carries ({@link ItemFields}), read for the whole
 * list in one batch ({@link TrackCards}).
 */
public final class RecommendationService {
    /** The version label of answers that come from the catalog rather than a trained model. */
    public static final String POPULARITY = "popularity";
    public static final String AUDIO_EMBEDDING = "audio-embedding";
    /** The family of answers from the catalog and audio embeddings (plans.yaml's request-time family). */
    public static final String CONTENT = "content";
    /** The registry lineages whose versions the two versioned views hold ({@code FeatureViews.servingView}). */
    private static final String USER_LISTS = "als";
    private static final String SIMILAR_LISTS = "track-similarity";
    /** Catalog tracks a filtered list that came out short is topped up from, at most (the popular list's cache holds 500). */
    static final int TOP_UP = 500;

    /** The rows a daily mix reads: the listener's recommendations and session features. */
    public static final List<FeatureView> DAILY_MIX_VIEWS = List.of(FeatureViews.USER_RECOMMENDATIONS, FeatureViews.USER_SESSIONS);

    /**
     * A recommended track: its id, score, reason and source, and the catalog fields {@code fields=} chose (absent when
     * not chosen, or unknown such as the artist of a track without one).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String trackId, double score, String reason, String source, String title, String artistId, String artistName,
            List<String> genreIds, Long durationMs, String album, Integer releaseYear, Integer popularity) {
        public Item(String trackId, double score, String reason, String source) {
            this(trackId, score, reason, source, null, null, null, null, null, null, null, null);
        }

        /** This item carrying the {@code fields} of its catalog card. */
        Item shown(TrackCard c, ItemFields fields) {
            return new Item(trackId, score, reason, source,
                    fields.has(ItemFields.Field.TITLE) ? c.title() : null,
                    fields.has(ItemFields.Field.ARTIST_ID) ? c.artistId() : null,
                    fields.has(ItemFields.Field.ARTIST_NAME) ? c.artistName() : null,
                    fields.has(ItemFields.Field.GENRE_IDS) ? c.genreIds() : null,
                    fields.has(ItemFields.Field.DURATION_MS) ? c.durationMs() : null,
                    fields.has(ItemFields.Field.ALBUM) ? c.album() : null,
                    fields.has(ItemFields.Field.RELEASE_YEAR) ? c.releaseYear() : null,
                    fields.has(ItemFields.Field.POPULARITY) ? c.popularity() : null);
        }
    }

    /**
     * A list, the model version that produced it, that version's model family ({@code ease}, {@code als}, ...;
     * {@code content} for the catalog's lists; null only for a version the registry does not know) and, when the
     * listener is in an A/B experiment whose arm answered, that experiment and arm (null otherwise).
     */
    public record Recommendations(String modelVersion, String family, List<Item> items, String nextCursor, ExperimentArm experiment) {
        Recommendations(String modelVersion, String family, List<Item> items, String nextCursor) {
            this(modelVersion, family, items, nextCursor, null);
        }

        Recommendations inExperiment(ExperimentArm arm) {
            return new Recommendations(modelVersion, family, items, nextCursor, arm);
        }
    }

    /** The experiment arm that served a list. */
    public record ExperimentArm(String experimentId, String arm, String modelVersion) {}

    /** What every route's caller asks of its list besides the page: the filter and business rules, and the item fields. */
    public record ListOptions(RecommendationFilter filter, ItemFields fields) {
        public static final ListOptions DEFAULT = new ListOptions(RecommendationFilter.NONE, ItemFields.DEFAULT);
    }

    /**
     * A radio station's request: exactly one seed, or none when {@code user_id} names the listener (then the station
     * is seeded by their taste). With {@code user_id} the station leaves out what they just heard and favours their
     * genres.
     */
    public record RadioRequest(String seedTrackId, String seedArtistId, String seedGenreId, String userId, Integer limit, String cursor) {
        public RadioRequest {
            int seeds = (seedTrackId == null ? 0 : 1) + (seedArtistId == null ? 0 : 1) + (seedGenreId == null ? 0 : 1);
            if (seeds > 1 || seeds == 0 && userId == null) {
                throw Check.invalid("seed_track_id", "give exactly one seed: seed_track_id, seed_artist_id or seed_genre_id, or user_id alone "
                        + "for a station from the listener's taste");
            }
            Check.optionalId("seed_track_id", seedTrackId);
            Check.optionalId("seed_artist_id", seedArtistId);
            Check.optionalId("seed_genre_id", seedGenreId);
            Check.optionalId("user_id", userId);
            limit = Check.range("limit", limit == null ? 20 : limit, 1, 100);
        }
    }

    public record SimilaritySearchRequest(String trackId, List<Double> vector, Integer limit, List<String> excludeTrackIds) {
        public SimilaritySearchRequest {
            if ((trackId == null) == (vector == null)) {
                throw Check.invalid("track_id", "give either track_id or vector, not both and not neither");
            }
            Check.optionalId("track_id", trackId);
            limit = Check.range("limit", limit == null ? 10 : limit, 1, 100);
            excludeTrackIds = excludeTrackIds == null ? List.of() : List.copyOf(excludeTrackIds);
        }
    }

    public record Match(String trackId, double score, double distance) {}

    public record SimilarityResult(String modelVersion, List<Match> matches) {}

    /** A listener as the online store knows them: the model's list (null when none), recent plays and top genres. */
    private record Taste(FeatureRow recs, List<String> recent, List<String> topGenres) {
        static Taste of(FeatureRow recs, FeatureRow session) {
            return new Taste(recs, session != null && session.has("recent_tracks") ? session.getIds("recent_tracks") : List.of(),
                    session != null && session.has("top_genres_7d") ? session.getIds("top_genres_7d") : List.of());
        }
    }

    private final OnlineStore online;
    private final CatalogService catalog;
    private final VectorStore vectors;
    private final ExperimentService experiments;
    private final ModelChoice models;
    private final ServedFamilies families;
    private final Clock clock;

    public RecommendationService(OnlineStore online, CatalogService catalog, VectorStore vectors, ExperimentService experiments,
            ModelChoice models, ServedFamilies families, Clock clock) {
        this.online = online;
        this.catalog = catalog;
        this.vectors = vectors;
        this.experiments = experiments;
        this.models = models;
        this.families = families;
        this.clock = clock;
    }

    // --- personal -------------------------------------------------------------------------------------------

    /**
     * A listener's daily mix: the model's list, filtered, padded by the fallbacks. {@code prefetched} holds the
     * listener's {@link #DAILY_MIX_VIEWS} rows when the caller already read them (null: read them here). {@code model}
     * is the {@code ?model=} family (null: the default); the content family leaves the trained model out. What the
     * listener just heard is left out unless {@code exclude_seen=false}.
     */
    public Recommendations dailyMix(Principal p, String userId, int limit, String cursor, ListOptions options,
            Map<FeatureView, FeatureRow> prefetched, String model) {
        Check.id("user_id", userId);
        int offset = Page.offset(cursor);
        boolean content = models.resolve(p, model) == ModelChoice.Source.CONTENT;
        // Both rows in one round trip (or none, when the limit check brought them): the API's hottest route.
        Map<FeatureView, FeatureRow> rows = prefetched != null ? prefetched : online.readViews(p.orgId(), userId, DAILY_MIX_VIEWS);
        FeatureRow recs = content ? null : rows.get(FeatureViews.USER_RECOMMENDATIONS);
        // A listener in a running A/B experiment gets their arm's model version. Only when that version has a list for
        // them: serving another version under the arm's name would corrupt the experiment's results.
        ExperimentArm arm = null;
        // A list asked of the content family is no arm's: experiments compare trained versions.
        ExperimentService.Assignment assigned = content ? null : experiments.runningAssignment(p.orgId(), userId).orElse(null);
        if (assigned != null) {
            FeatureRow armRecs = recs != null && assigned.modelVersion().equals(recs.getString(FeatureView.MODEL_VERSION)) ? recs
                    : online.readVersion(p.orgId(), FeatureViews.USER_RECOMMENDATIONS, userId, assigned.modelVersion()).orElse(null);
            if (armRecs != null) {
                recs = armRecs;
                arm = new ExperimentArm(assigned.experimentId(), assigned.arm(), assigned.modelVersion());
            }
        }
        Recommendations mix = dailyMix(p, Taste.of(recs, rows.get(FeatureViews.USER_SESSIONS)), offset, limit, options);
        return arm == null ? mix : mix.inExperiment(arm);
    }

    private Recommendations dailyMix(Principal p, Taste taste, int offset, int limit, ListOptions options) {
        int wanted = offset + limit + 1;
        List<String> recent = taste.recent();
        Set<String> seen = options.filter().excludeSeen(true) ? new HashSet<>(recent) : Set.of();
        Map<String, Item> items = new LinkedHashMap<>();
        String version;
        if (taste.recs() != null) {
            version = taste.recs().getString(FeatureView.MODEL_VERSION);
            String reason = recent.isEmpty() ? "picked for your listening history" : "because you played " + catalog.label(p.orgId(), recent.get(0));
            addModelList(items, taste.recs(), seen, reason);
        } else {
            version = recent.isEmpty() ? POPULARITY : POPULARITY + "+" + AUDIO_EMBEDDING;
            if (!recent.isEmpty()) {
                String reason = "sounds like " + catalog.label(p.orgId(), recent.get(0));
                for (Neighbour n : vectors.nearestToTrack(p.orgId(), recent.get(0), Math.min(wanted, 50), seen)) {
                    items.putIfAbsent(n.trackId(), new Item(n.trackId(), n.similarity(), reason, AUDIO_EMBEDDING));
                }
            }
        }
        return finish(p, version, family(p, USER_LISTS, version), items, seen, taste.topGenres(), offset, limit, options);
    }

    private static void addModelList(Map<String, Item> items, FeatureRow recs, Set<String> seen, String reason) {
        List<String> ids = recs.getIds("track_ids");
        List<Double> scores = recs.getDoubles("scores");
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.contains(ids.get(i))) {
                items.putIfAbsent(ids.get(i), new Item(ids.get(i), scores.get(i), reason, "model"));
            }
        }
    }

    /** Genre-based recommendations: the most popular tracks of a genre, or of the listener's genres. */
    public Recommendations genreBased(Principal p, String genreId, String userId, int limit, String cursor, ListOptions options) {
        int offset = Page.offset(cursor);
        List<String> genres;
        Set<String> seen = Set.of();
        if (genreId != null) {
            catalog.genre(p, genreId);
            genres = List.of(genreId);
            if (userId != null) {
                seen = seen(p, userId, options.filter());
            }
        } else if (userId != null) {
            Taste taste = taste(p, userId, FeatureViews.USER_SESSIONS);
            genres = taste.topGenres();
            seen = options.filter().excludeSeen(true) ? new HashSet<>(taste.recent()) : Set.of();
        } else {
            throw Check.invalid("genre_id", "give genre_id, or user_id to use the listener's recent genres");
        }
        requireListenerForSeen(userId, options.filter());
        return finish(p, POPULARITY, CONTENT, new LinkedHashMap<>(), seen, genres, offset, limit, options);
    }

    /**
     * Tracks similar to one track: the item-item model, else audio embeddings, else the same genre's popular tracks.
     * With {@code userId}, what the listener just heard is left out (unless {@code exclude_seen=false}).
     */
    public Recommendations similar(Principal p, String trackId, String userId, int limit, String cursor, String model, ListOptions options) {
        Track seed = catalog.track(p, trackId);
        int offset = Page.offset(cursor);
        requireListenerForSeen(userId, options.filter());
        Set<String> seen = userId == null ? Set.of() : seen(p, userId, options.filter());
        boolean content = models.resolve(p, model) == ModelChoice.Source.CONTENT;
        Ranked similar = similarTo(p, seed, offset + limit + 1 + seen.size(), content);
        return finish(p, similar.version(), similar.family(), similar.items(), union(seen, trackId), seed.genreIds(), offset, limit, options);
    }

    private record Ranked(String version, String family, Map<String, Item> items) {}

    /**
     * The item-item model's neighbours of {@code seed}, then its audio-embedding neighbours, up to {@code wanted};
     * {@code contentOnly}: leave the item-item model out (the content family). The version is the model's, else the
     * embeddings', else popularity (when neither knows the seed: the list will be padded with popular tracks).
     */
    private Ranked similarTo(Principal p, Track seed, int wanted, boolean contentOnly) {
        String trackId = seed.trackId();
        String seedLabel = catalog.label(p.orgId(), trackId);
        Map<String, Item> items = new LinkedHashMap<>();
        String version;
        FeatureRow row = contentOnly ? null : online.read(p.orgId(), FeatureViews.SIMILAR_TRACKS, List.of(trackId)).get(trackId);
        if (row != null) {
            version = row.getString(FeatureView.MODEL_VERSION);
            List<String> ids = row.getIds("track_ids");
            List<Double> scores = row.getDoubles("scores");
            for (int i = 0; i < ids.size(); i++) {
                if (!ids.get(i).equals(trackId)) {
                    items.putIfAbsent(ids.get(i), new Item(ids.get(i), scores.get(i), "listeners of " + seedLabel + " also played this", "model"));
                }
            }
        } else {
            version = AUDIO_EMBEDDING;
        }
        if (items.size() < wanted) {
            Set<String> skip = union(items.keySet(), trackId);
            for (Neighbour n : vectors.nearestToTrack(p.orgId(), trackId, Math.min(wanted, 100), skip)) {
                items.putIfAbsent(n.trackId(), new Item(n.trackId(), n.similarity(), "sounds like " + seedLabel, AUDIO_EMBEDDING));
            }
        }
        if (row == null && items.isEmpty()) {
            version = POPULARITY;
        }
        return new Ranked(version, family(p, SIMILAR_LISTS, version), items);
    }

    /**
     * A radio station: from a seed track, artist or genre, or (with {@code user_id} alone) from the listener's taste: the
     * model's list for them interleaved with neighbours of what they played last. A listener named leaves out what they
     * just heard and tilts the station to their recent genres ({@code boost_genres}). A continuing list: page on with
     * the cursor.
     */
    public Recommendations radio(Principal p, RadioRequest r, String model, ListOptions options) {
        int offset = Page.offset(r.cursor());
        int wanted = offset + r.limit() + 1;
        boolean content = models.resolve(p, model) == ModelChoice.Source.CONTENT;
        requireListenerForSeen(r.userId(), options.filter());
        boolean seeded = r.seedTrackId() != null || r.seedArtistId() != null || r.seedGenreId() != null;
        // The model's list only seeds a station from taste alone; with a seed, recent plays and genres are what count.
        Taste taste = r.userId() == null ? null : taste(p, r.userId(), content || seeded ? FeatureViews.USER_SESSIONS : null);
        Set<String> seen = taste != null && options.filter().excludeSeen(true) ? new HashSet<>(taste.recent()) : Set.of();
        ListOptions personal = taste == null ? options : new ListOptions(options.filter().boosting(taste.topGenres()), options.fields());
        if (r.seedTrackId() != null) {
            Ranked similar = similarTo(p, catalog.track(p, r.seedTrackId()), wanted + seen.size(), content);
            return finish(p, similar.version(), similar.family(), similar.items(), union(seen, r.seedTrackId()), List.of(), offset, r.limit(),
                    personal);
        }
        if (r.seedArtistId() != null) {
            String artistName = catalog.artist(p, r.seedArtistId()).name();
            List<Track> own = catalog.tracksByArtist(p.orgId(), r.seedArtistId(), 5);
            Map<String, Item> items = new LinkedHashMap<>();
            String version = POPULARITY;
            String family = CONTENT;
            for (Track t : own) {
                items.putIfAbsent(t.trackId(), new Item(t.trackId(), t.popularity() / 100.0, "by " + artistName, POPULARITY));
            }
            if (!own.isEmpty()) {
                Ranked similar = similarTo(p, own.get(0), wanted + seen.size(), content);
                version = similar.version();
                family = similar.family();
                similar.items().forEach(items::putIfAbsent);
            }
            return finish(p, version, family, items, seen, List.of(), offset, r.limit(), personal);
        }
        if (r.seedGenreId() != null) {
            catalog.genre(p, r.seedGenreId());
            return finish(p, POPULARITY, CONTENT, new LinkedHashMap<>(), seen, List.of(r.seedGenreId()), offset, r.limit(), personal);
        }
        return tasteRadio(p, taste, seen, wanted, content, offset, r.limit(), personal);
    }

    /** A station from a listener's taste alone: the model's list and the neighbours of their last play, taking turns. */
    private Recommendations tasteRadio(Principal p, Taste taste, Set<String> seen, int wanted, boolean content, int offset, int limit,
            ListOptions options) {
        Map<String, Item> fromModel = new LinkedHashMap<>();
        if (taste.recs() != null) {
            addModelList(fromModel, taste.recs(), seen, "picked for your listening history");
        }
        Ranked around = null;
        Track last = taste.recent().isEmpty() ? null : catalog.tracks(p.orgId(), List.of(taste.recent().get(0))).get(taste.recent().get(0));
        if (last != null) {
            around = similarTo(p, last, wanted + seen.size(), content);
        }
        Map<String, Item> items = new LinkedHashMap<>();
        var a = fromModel.values().iterator();
        var b = around == null ? java.util.Collections.<Item>emptyIterator() : around.items().values().iterator();
        while (a.hasNext() || b.hasNext()) {
            if (a.hasNext()) {
                Item i = a.next();
                items.putIfAbsent(i.trackId(), i);
            }
            if (b.hasNext()) {
                Item i = b.next();
                if (!seen.contains(i.trackId())) {
                    items.putIfAbsent(i.trackId(), i);
                }
            }
        }
        if (taste.recs() != null) {
            String version = taste.recs().getString(FeatureView.MODEL_VERSION);
            return finish(p, version, family(p, USER_LISTS, version), items, seen, taste.topGenres(), offset, limit, options);
        }
        return finish(p, around != null ? around.version() : POPULARITY, around != null ? around.family() : CONTENT, items, seen,
                taste.topGenres(), offset, limit, options);
    }

    /** Nearest tracks by audio embedding, to a track of the org or to a vector. */
    public SimilarityResult similaritySearch(Principal p, SimilaritySearchRequest r) {
        Set<String> exclude = new HashSet<>(r.excludeTrackIds());
        List<Neighbour> found;
        if (r.trackId() != null) {
            catalog.track(p, r.trackId());
            found = vectors.nearestToTrack(p.orgId(), r.trackId(), r.limit(), exclude);
        } else {
            float[] v = finiteVector(r.vector());
            if (v.length != vectors.dimension()) {
                throw Check.invalid("vector", "'vector' has " + v.length + " components; embeddings here have " + vectors.dimension());
            }
            found = vectors.nearest(p.orgId(), v, r.limit(), exclude);
        }
        return new SimilarityResult(AUDIO_EMBEDDING, found.stream().map(n -> new Match(n.trackId(), n.similarity(), n.distance())).toList());
    }

    /** A request's vector as floats; 400 naming the component that is missing or not finite. */
    public static float[] finiteVector(List<Double> vector) {
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            Double d = vector.get(i);
            if (d == null || !Double.isFinite(d)) {
                throw Check.invalid("vector[" + i + "]", "'vector' must hold finite numbers");
            }
            v[i] = d.floatValue();
        }
        return v;
    }

    // --- shared ---------------------------------------------------------------------------------------------

    /** The listener's rows: with {@code only} one view (no model list), else the model list and the session in one round trip. */
    private Taste taste(Principal p, String userId, FeatureView only) {
        Check.id("user_id", userId);
        if (only != null) {
            return Taste.of(null, online.read(p.orgId(), only, List.of(userId)).get(userId));
        }
        Map<FeatureView, FeatureRow> rows = online.readViews(p.orgId(), userId, DAILY_MIX_VIEWS);
        return Taste.of(rows.get(FeatureViews.USER_RECOMMENDATIONS), rows.get(FeatureViews.USER_SESSIONS));
    }

    /**
     * The family of the answer a {@code version} of {@code lineage} gave: the registry's for a trained version,
     * {@link #CONTENT} for the catalog's fallbacks ({@link #POPULARITY}, {@link #AUDIO_EMBEDDING} and both).
     */
    private String family(Principal p, String lineage, String version) {
        if (version.equals(POPULARITY) || version.equals(AUDIO_EMBEDDING) || version.equals(POPULARITY + "+" + AUDIO_EMBEDDING)) {
            return CONTENT;
        }
        return families.of(p.orgId(), lineage, version).orElse(null);
    }

    /** What the listener just heard, when the filter leaves it out (the default once a listener is named). */
    private Set<String> seen(Principal p, String userId, RecommendationFilter filter) {
        if (!filter.excludeSeen(true)) {
            return Set.of();
        }
        return new HashSet<>(taste(p, userId, FeatureViews.USER_SESSIONS).recent());
    }

    private static void requireListenerForSeen(String userId, RecommendationFilter filter) {
        if (userId == null && filter.asksToExcludeSeen()) {
            throw Check.invalid("exclude_seen", "'exclude_seen' needs user_id: name the listener whose plays to leave out");
        }
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> out = new HashSet<>(a);
        out.add(b);
        return out;
    }

    /**
     * Every route's list ends here: {@code candidates} (best first) are padded with popular tracks (of {@code genres}
     * first, then of the whole catalog) up to the page, then filtered ({@code exclude}: never listed), reordered and
     * capped by the caller's filter; a filter that left the list short is topped up from the catalog's popular tracks
     * of its included genres and artists, then of everything. Never empty while the catalog has a track that passes
     * the filters among those. The page's items then carry the chosen fields. The catalog is read in at most two
     * batches (the candidates, then a top-up's), never per item.
     */
    private Recommendations finish(Principal p, String version, String family, Map<String, Item> candidates, Set<String> exclude,
            List<String> genres, int offset, int limit, ListOptions options) {
        RecommendationFilter filter = options.filter();
        int wanted = offset + limit + 1;
        if (candidates.size() < wanted) {
            pad(p, candidates, exclude, genres, wanted);
        }
        boolean needCards = filter.needsCards() || !options.fields().isEmpty();
        int year = clock.instant().atZone(ZoneOffset.UTC).getYear();
        List<Item> ranked = new ArrayList<>(candidates.values());
        Map<String, TrackCard> cards = null;
        List<Item> kept;
        if (!needCards) {
            kept = filter.apply(ranked, null, exclude, year);
        } else {
            // Without a rule that needs every candidate, the page's worth (plus what exclude may drop) is enough.
            int upTo = filter.needsCards() ? ranked.size() : Math.min(ranked.size(), wanted + exclude.size());
            cards = new HashMap<>(catalog.cards(p.orgId(), ids(ranked, 0, upTo)));
            kept = filter.apply(upTo == ranked.size() ? ranked : ranked.subList(0, upTo), cards, exclude, year);
            if (kept.size() < wanted && upTo < ranked.size()) {
                cards.putAll(catalog.cards(p.orgId(), ids(ranked, upTo, ranked.size())));
                kept = filter.apply(ranked, cards, exclude, year);
            }
            if (kept.size() < wanted && filter.restricts()) {
                kept = topUp(p, candidates, cards, exclude, year, filter);
            }
        }
        int from = Math.min(offset, kept.size());
        int to = Math.min(kept.size(), offset + limit);
        List<Item> page = new ArrayList<>(to - from);
        for (Item i : kept.subList(from, to)) {
            TrackCard card = cards == null ? null : cards.get(i.trackId());
            page.add(card == null || options.fields().isEmpty() ? i : i.shown(card, options.fields()));
        }
        return new Recommendations(version, family, page, kept.size() > offset + limit ? Page.cursor(offset + limit) : null);
    }

    private List<Item> topUp(Principal p, Map<String, Item> candidates, Map<String, TrackCard> cards, Set<String> exclude, int year,
            RecommendationFilter filter) {
        List<String> added = new ArrayList<>();
        if (!filter.includeGenres().isEmpty() || !filter.includeArtists().isEmpty()) {
            for (Track t : catalog.popularIn(p.orgId(), filter.includeGenres(), filter.includeArtists(), TOP_UP)) {
                if (!exclude.contains(t.trackId()) && candidates.putIfAbsent(t.trackId(),
                        new Item(t.trackId(), t.popularity() / 100.0, "popular in what you asked for", POPULARITY)) == null) {
                    added.add(t.trackId());
                }
            }
        }
        for (Track t : catalog.popular(p.orgId(), TOP_UP)) {
            if (!exclude.contains(t.trackId()) && candidates.putIfAbsent(t.trackId(),
                    new Item(t.trackId(), t.popularity() / 100.0, "popular on this service", POPULARITY)) == null) {
                added.add(t.trackId());
            }
        }
        cards.putAll(catalog.cards(p.orgId(), added));
        return filter.apply(new ArrayList<>(candidates.values()), cards, exclude, year);
    }

    private static List<String> ids(List<Item> items, int from, int to) {
        List<String> ids = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            ids.add(items.get(i).trackId());
        }
        return ids;
    }

    /**
     * Adds popular tracks (of {@code genres} first, then of the whole catalog) until {@code wanted} items, skipping
     * {@code exclude}.
     */
    private void pad(Principal p, Map<String, Item> items, Set<String> exclude, List<String> genres, int wanted) {
        for (String genre : genres) {
            if (items.size() >= wanted) {
                break;
            }
            for (Track t : catalog.tracksByGenre(p.orgId(), genre, wanted + exclude.size())) {
                if (!exclude.contains(t.trackId())) {
                    items.putIfAbsent(t.trackId(), new Item(t.trackId(), t.popularity() / 100.0, "popular in your genres", POPULARITY));
                }
            }
        }
        if (items.size() < wanted) {
            for (Track t : catalog.popular(p.orgId(), Math.max(wanted + exclude.size(), 50))) {
                if (!exclude.contains(t.trackId())) {
                    items.putIfAbsent(t.trackId(), new Item(t.trackId(), t.popularity() / 100.0, "popular on this service", POPULARITY));
                }
            }
        }
    }
}
