package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.model.Track;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.OnlineStore;
import io.tunetrail.store.vector.Neighbour;
import io.tunetrail.store.vector.VectorStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommendations: the nightly model's lists from the online store (the version the org's pointer names, never a
 * mix), and the fallbacks that keep every list non-empty while the catalog is not: popularity (in the listener's
 * genres when known) and audio-embedding neighbours. Every answer names the model version that produced it and gives
 * each track a reason.
 */
public final class RecommendationService {
    /** The version label of answers that come from the catalog rather than a trained model. */
    public static final String POPULARITY = "popularity";
    public static final String AUDIO_EMBEDDING = "audio-embedding";

    /** The rows a daily mix reads: the listener's recommendations and session features. */
    public static final List<FeatureView> DAILY_MIX_VIEWS = List.of(FeatureViews.USER_RECOMMENDATIONS, FeatureViews.USER_SESSIONS);

    public record Item(String trackId, double score, String reason, String source) {}

    /**
     * A list, the model version that produced it and, when the listener is in an A/B experiment whose arm answered,
     * that experiment and arm (null otherwise).
     */
    public record Recommendations(String modelVersion, List<Item> items, String nextCursor, ExperimentArm experiment) {
        Recommendations(String modelVersion, List<Item> items, String nextCursor) {
            this(modelVersion, items, nextCursor, null);
        }

        Recommendations inExperiment(ExperimentArm arm) {
            return new Recommendations(modelVersion, items, nextCursor, arm);
        }
    }

    /** The experiment arm that served a list. */
    public record ExperimentArm(String experimentId, String arm, String modelVersion) {}

    /** Filters of a personal list. */
    public record Filters(boolean excludeRecent, Set<String> includeGenres, Set<String> excludeGenres) {
        public boolean byGenre() {
            return !includeGenres.isEmpty() || !excludeGenres.isEmpty();
        }
    }

    public record RadioRequest(String seedTrackId, String seedArtistId, String seedGenreId, String userId, Integer limit, String cursor) {
        public RadioRequest {
            int seeds = (seedTrackId == null ? 0 : 1) + (seedArtistId == null ? 0 : 1) + (seedGenreId == null ? 0 : 1);
            if (seeds != 1) {
                throw Check.invalid("seed_track_id", "give exactly one seed: seed_track_id, seed_artist_id or seed_genre_id");
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

    private final OnlineStore online;
    private final CatalogService catalog;
    private final VectorStore vectors;
    private final ExperimentService experiments;
    private final ModelChoice models;

    public RecommendationService(OnlineStore online, CatalogService catalog, VectorStore vectors, ExperimentService experiments,
            ModelChoice models) {
        this.online = online;
        this.catalog = catalog;
        this.vectors = vectors;
        this.experiments = experiments;
        this.models = models;
    }

    // --- personal -------------------------------------------------------------------------------------------

    /**
     * A listener's daily mix: the model's list, filtered, padded by the fallbacks. {@code prefetched} holds the
     * listener's {@link #DAILY_MIX_VIEWS} rows when the caller already read them (null: read them here). {@code model}
     * is the {@code ?model=} family (null: the default); the content family leaves the trained model out.
     */
    public Recommendations dailyMix(Principal p, String userId, int limit, String cursor, Filters filters,
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
        Recommendations mix = dailyMix(p, recs, rows.get(FeatureViews.USER_SESSIONS), offset, limit, filters);
        return arm == null ? mix : mix.inExperiment(arm);
    }

    private Recommendations dailyMix(Principal p, FeatureRow recs, FeatureRow session, int offset, int limit, Filters filters) {
        int wanted = offset + limit + 1;
        List<String> recent = session != null && session.has("recent_tracks") ? session.getIds("recent_tracks") : List.of();
        List<String> topGenres = session != null && session.has("top_genres_7d") ? session.getIds("top_genres_7d") : List.of();
        Set<String> exclude = filters.excludeRecent() ? new HashSet<>(recent) : new HashSet<>();
        Map<String, Item> items = new LinkedHashMap<>();
        String version;
        if (recs != null) {
            version = recs.getString(FeatureView.MODEL_VERSION);
            List<String> ids = recs.getIds("track_ids");
            List<Double> scores = recs.getDoubles("scores");
            String reason = recent.isEmpty() ? "picked for your listening history" : "because you played " + catalog.label(p.orgId(), recent.get(0));
            for (int i = 0; i < ids.size(); i++) {
                if (!exclude.contains(ids.get(i))) {
                    items.putIfAbsent(ids.get(i), new Item(ids.get(i), scores.get(i), reason, "model"));
                }
            }
        } else {
            version = recent.isEmpty() ? POPULARITY : POPULARITY + "+" + AUDIO_EMBEDDING;
            if (!recent.isEmpty()) {
                String reason = "sounds like " + catalog.label(p.orgId(), recent.get(0));
                for (Neighbour n : vectors.nearestToTrack(p.orgId(), recent.get(0), Math.min(wanted, 50), exclude)) {
                    items.putIfAbsent(n.trackId(), new Item(n.trackId(), n.similarity(), reason, AUDIO_EMBEDDING));
                }
            }
        }
        if (filters.byGenre() || items.size() < wanted) {
            return finish(p, version, pad(p, items, exclude, topGenres, wanted, filters), offset, limit, filters);
        }
        return page(version, new ArrayList<>(items.values()), offset, limit);
    }

    /** Genre-based recommendations: the most popular tracks of a genre, or of the listener's genres. */
    public Recommendations genreBased(Principal p, String genreId, String userId, int limit, String cursor) {
        int offset = Page.offset(cursor);
        int wanted = offset + limit + 1;
        List<String> genres;
        if (genreId != null) {
            catalog.genre(p, genreId);
            genres = List.of(genreId);
        } else if (userId != null) {
            Check.id("user_id", userId);
            FeatureRow session = online.read(p.orgId(), FeatureViews.USER_SESSIONS, List.of(userId)).get(userId);
            genres = session != null && session.has("top_genres_7d") ? session.getIds("top_genres_7d") : List.of();
        } else {
            throw Check.invalid("genre_id", "give genre_id, or user_id to use the listener's recent genres");
        }
        Map<String, Item> items = new LinkedHashMap<>();
        pad(p, items, Set.of(), genres, wanted, new Filters(false, Set.of(), Set.of()));
        return page(POPULARITY, new ArrayList<>(items.values()), offset, limit);
    }

    /** Tracks similar to one track: the item-item model, else audio embeddings, else the same genre's popular tracks. */
    public Recommendations similar(Principal p, String trackId, int limit, String cursor, String model) {
        Track seed = catalog.track(p, trackId);
        int offset = Page.offset(cursor);
        boolean content = models.resolve(p, model) == ModelChoice.Source.CONTENT;
        return similarTo(p, seed, offset + limit + 1, content).page(offset, limit);
    }

    private record Ranked(String version, List<Item> items) {
        Recommendations page(int offset, int limit) {
            return RecommendationService.page(version, items, offset, limit);
        }
    }

    /** {@code contentOnly}: leave the item-item model out (the content family), audio embeddings and popularity only. */
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
            for (Neighbour n : vectors.nearestToTrack(p.orgId(), trackId, Math.min(wanted, 100), items.keySet())) {
                items.putIfAbsent(n.trackId(), new Item(n.trackId(), n.similarity(), "sounds like " + seedLabel, AUDIO_EMBEDDING));
            }
        }
        if (items.size() < wanted) {
            if (row == null && items.isEmpty()) {
                version = POPULARITY;
            }
            pad(p, items, Set.of(trackId), seed.genreIds(), wanted, new Filters(false, Set.of(), Set.of()));
        }
        return new Ranked(version, new ArrayList<>(items.values()));
    }

    /** A radio station from a seed: a continuing list (page on with the cursor). */
    public Recommendations radio(Principal p, RadioRequest r, String model) {
        int offset = Page.offset(r.cursor());
        int wanted = offset + r.limit() + 1;
        boolean content = models.resolve(p, model) == ModelChoice.Source.CONTENT;
        if (r.seedTrackId() != null) {
            return similarTo(p, catalog.track(p, r.seedTrackId()), wanted, content).page(offset, r.limit());
        }
        if (r.seedArtistId() != null) {
            String artistName = catalog.artist(p, r.seedArtistId()).name();
            List<Track> own = catalog.tracksByArtist(p.orgId(), r.seedArtistId(), 5);
            Map<String, Item> items = new LinkedHashMap<>();
            String version = POPULARITY;
            for (Track t : own) {
                items.putIfAbsent(t.trackId(), new Item(t.trackId(), t.popularity() / 100.0, "by " + artistName, POPULARITY));
            }
            if (!own.isEmpty()) {
                Ranked similar = similarTo(p, own.get(0), wanted, content);
                version = similar.version();
                similar.items().forEach(i -> items.putIfAbsent(i.trackId(), i));
            }
            pad(p, items, Set.of(), List.of(), wanted, new Filters(false, Set.of(), Set.of()));
            return page(version, new ArrayList<>(items.values()), offset, r.limit());
        }
        catalog.genre(p, r.seedGenreId());
        Map<String, Item> items = new LinkedHashMap<>();
        pad(p, items, Set.of(), List.of(r.seedGenreId()), wanted, new Filters(false, Set.of(), Set.of()));
        return page(POPULARITY, new ArrayList<>(items.values()), offset, r.limit());
    }

    /** Nearest tracks by audio embedding, to a track of the org or to a vector. */
    public SimilarityResult similaritySearch(Principal p, SimilaritySearchRequest r) {
        Set<String> exclude = new HashSet<>(r.excludeTrackIds());
        List<Neighbour> found;
        if (r.trackId() != null) {
            catalog.track(p, r.trackId());
            found = vectors.nearestToTrack(p.orgId(), r.trackId(), r.limit(), exclude);
        } else {
            float[] v = new float[r.vector().size()];
            for (int i = 0; i < v.length; i++) {
                Double d = r.vector().get(i);
                if (d == null || !Double.isFinite(d)) {
                    throw Check.invalid("vector[" + i + "]", "'vector' must hold finite numbers");
                }
                v[i] = d.floatValue();
            }
            if (v.length != vectors.dimension()) {
                throw Check.invalid("vector", "'vector' has " + v.length + " components; embeddings here have " + vectors.dimension());
            }
            found = vectors.nearest(p.orgId(), v, r.limit(), exclude);
        }
        return new SimilarityResult(AUDIO_EMBEDDING, found.stream().map(n -> new Match(n.trackId(), n.similarity(), n.distance())).toList());
    }

    // --- shared ---------------------------------------------------------------------------------------------

    /**
     * Adds popular tracks (of {@code genres} first, then of the whole catalog) until {@code wanted} items, skipping
     * {@code exclude}; applies genre filters to everything when asked. Never leaves the list empty while the catalog
     * has a track that passes the filters.
     */
    private List<Item> pad(Principal p, Map<String, Item> items, Set<String> exclude, List<String> genres, int wanted, Filters filters) {
        for (String genre : genres) {
            if (items.size() >= wanted) {
                break;
            }
            for (Track t : catalog.tracksByGenre(p.orgId(), genre, wanted)) {
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
        return new ArrayList<>(items.values());
    }

    private Recommendations finish(Principal p, String version, List<Item> items, int offset, int limit, Filters filters) {
        if (filters.byGenre()) {
            Map<String, Track> tracks = catalog.tracks(p.orgId(), items.stream().map(Item::trackId).toList());
            items = items.stream().filter(i -> {
                Track t = tracks.get(i.trackId());
                if (t == null) {
                    return false;
                }
                boolean included = filters.includeGenres().isEmpty() || t.genreIds().stream().anyMatch(filters.includeGenres()::contains);
                return included && t.genreIds().stream().noneMatch(filters.excludeGenres()::contains);
            }).toList();
            if (items.isEmpty() && !filters.includeGenres().isEmpty()) {
                Map<String, Item> byGenre = new LinkedHashMap<>();
                pad(p, byGenre, Set.of(), List.copyOf(filters.includeGenres()), offset + limit + 1, filters);
                items = byGenre.values().stream().filter(i -> {
                    Track t = catalog.tracks(p.orgId(), List.of(i.trackId())).get(i.trackId());
                    return t != null && t.genreIds().stream().noneMatch(filters.excludeGenres()::contains);
                }).toList();
            }
        }
        return page(version, items, offset, limit);
    }

    static Recommendations page(String version, List<Item> items, int offset, int limit) {
        if (offset >= items.size()) {
            return new Recommendations(version, List.of(), null);
        }
        boolean more = items.size() > offset + limit;
        return new Recommendations(version, List.copyOf(items.subList(offset, Math.min(items.size(), offset + limit))),
                more ? Page.cursor(offset + limit) : null);
    }
}
