package io.tunetrail.api.audio;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.service.RecommendationFilter;
import io.tunetrail.api.service.RecommendationService;
import io.tunetrail.api.service.TrackCard;
import io.tunetrail.audio.embedding.SignalEmbedding;
import io.tunetrail.store.vector.Neighbour;
import io.tunetrail.store.vector.TrackEmbeddingSources;
import io.tunetrail.store.vector.VectorStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audio similarity routes in the right embedding space: a track's 512-d signal embedding (its newest analysed
 * audio) when it has one, else its catalog embedding; a vector by its dimension (512: signal, the catalog's: catalog).
 * The answer says which embedding answered: {@code embedding} is {@code signal}, or the catalog embedding's source as
 * {@code track_embeddings.source} records it ({@code catalog_features}, or {@code audio_analysis} with its
 * {@code analyser_version} when the nightly job built it from the analysed audio); catalog-space matches carry their own
 * {@code source}.
 *
 * <p>Every route takes the recommendation routes' filters and business rules ({@link RecommendationFilter}): the
 * neighbours are read with room for what the filters drop, then filtered, reordered by the boosts and capped per
 * artist like any recommendation list (never padded with tracks that do not sound alike).
 */
public final class AudioSimilaritySearch {
    public static final String SIGNAL = "signal";
    /** Neighbours read at most for one filtered answer. */
    static final int MAX_CANDIDATES = 500;
    /** Neighbours read per track asked for when a filter may drop some. */
    private static final int HEADROOM = 5;

    /**
     * The nearest tracks, and the space that answered: {@code embedding} ({@code signal} or the catalog embedding's
     * source), model, dimension, and the analyser version of a catalog embedding built from analysed audio.
     */
    public record Neighbours(String embedding, String model, int dimension, @JsonInclude(JsonInclude.Include.NON_NULL) String analyserVersion,
            String modelVersion, List<AudioMatch> matches) {}

    /** One neighbour; a catalog-space match names its embedding's {@code source}, a signal-space one has none. */
    public record AudioMatch(String trackId, double score, double distance, @JsonInclude(JsonInclude.Include.NON_NULL) String source) {}

    /**
     * Tracks that sound like {@code trackId}, and which embedding said so: {@code signal} (with its model) or the
     * catalog embedding's source (model null; the analyser version when built from analysed audio).
     */
    public record SoundsLike(String trackId, String embedding, String model, @JsonInclude(JsonInclude.Include.NON_NULL) String analyserVersion,
            List<SoundMatch> matches) {}

    public record SoundMatch(String trackId, double similarity) {}

    /**
     * Pairwise similarities of {@code ids}, in their order; {@code embeddings} names each track's space (null: none), and
     * a cell is null across two spaces.
     */
    public record SimilarityMatrix(List<String> ids, Map<String, String> embeddings, List<List<Double>> matrix) {}

    private final AudioAnalysisStore store;
    private final CatalogService catalog;
    private final VectorStore catalogVectors;
    private final TrackEmbeddingSources sources;
    private final RecommendationService recommendations;
    private final Clock clock;
    private final int matrixMaxIds;

    public AudioSimilaritySearch(AudioAnalysisStore store, CatalogService catalog, VectorStore catalogVectors, TrackEmbeddingSources sources,
            RecommendationService recommendations, Clock clock, int matrixMaxIds) {
        this.matrixMaxIds = matrixMaxIds;
        this.store = store;
        this.catalog = catalog;
        this.catalogVectors = catalogVectors;
        this.sources = sources;
        this.recommendations = recommendations;
        this.clock = clock;
    }

    /** POST /api/v1/audio/similarity-search: by a track of the org or by a vector. */
    public Neighbours search(Principal p, RecommendationService.SimilaritySearchRequest r, RecommendationFilter filter) {
        checkNoListener(filter);
        int fetch = candidates(r.limit(), filter);
        Set<String> exclude = new HashSet<>(r.excludeTrackIds());
        if (r.trackId() != null) {
            catalog.track(p, r.trackId());
            var signal = store.newestSignalOfTrack(p.orgId(), r.trackId());
            if (signal.isPresent()) {
                exclude.add(r.trackId());
                return signalAnswer(p, signal.get().model(), store.nearestSignal(p.orgId(), signal.get().vector(), fetch, exclude),
                        r.limit(), filter);
            }
            return catalogAnswer(p, r, fetch, filter);
        }
        int dimension = r.vector().size();
        if (dimension == SignalEmbedding.DIMENSION) {
            return signalAnswer(p, SignalEmbedding.MODEL, store.nearestSignal(p.orgId(), signalVector(r.vector()), fetch, exclude),
                    r.limit(), filter);
        }
        if (dimension != catalogVectors.dimension()) {
            throw Check.invalid("vector", "'vector' has " + dimension + " components; give a signal embedding (" + SignalEmbedding.DIMENSION
                    + ") or a catalog feature embedding (" + catalogVectors.dimension() + ")");
        }
        return catalogAnswer(p, r, fetch, filter);
    }

    /** The org's tracks that sound like a clip analysed for this search (not kept), in the signal space. */
    public Neighbours byAudio(Principal p, io.tunetrail.audio.AudioAnalysis clip, int limit, RecommendationFilter filter) {
        checkNoListener(filter);
        return signalAnswer(p, clip.embedding().model(),
                store.nearestSignal(p.orgId(), clip.embedding().vector(), candidates(limit, filter), Set.of()), limit, filter);
    }

    /**
     * GET /api/v1/tracks/similar-by-audio/{id}: tracks of the caller's org that sound like one track, by the signal
     * embeddings of analysed audio when the track has one, else by its catalog embedding (whose source the answer names).
     */
    public SoundsLike similarByAudio(Principal p, String trackId, int limit, RecommendationFilter filter) {
        checkNoListener(filter);
        catalog.track(p, trackId);
        var model = store.signalModelOfTrack(p.orgId(), trackId);
        int fetch = candidates(limit, filter);
        String embedding;
        String analyserVersion = null;
        List<Neighbour> found;
        if (model.isPresent()) {
            embedding = SIGNAL;
            found = store.nearestBySignal(p.orgId(), trackId, fetch);
        } else {
            var source = sources.of(p.orgId(), List.of(trackId)).get(trackId);
            embedding = source == null ? TrackEmbeddingSources.CATALOG_FEATURES : source.source();
            analyserVersion = source == null ? null : source.analyserVersion();
            found = catalogVectors.nearestToTrack(p.orgId(), trackId, fetch, Set.of());
        }
        return new SoundsLike(trackId, embedding, model.orElse(null), analyserVersion,
                filtered(p, found, Neighbour::trackId, limit, filter).stream().map(n -> new SoundMatch(n.trackId(), n.similarity())).toList());
    }

    /**
     * GET /api/v1/ml/tracks/similarity-matrix: pairwise cosine similarities of up to {@code matrixMaxIds} tracks of the
     * caller's org (comma-separated {@code ids}), each track by its newest signal embedding, else its catalog embedding
     * ({@code embeddings} names each one's: {@code signal} or the catalog embedding's source). Two tracks embedded in
     * different spaces cannot be compared: their cell is null, as is any cell of a track with no embedding at all.
     */
    public SimilarityMatrix similarityMatrix(Principal p, String ids) {
        if (ids == null || ids.isBlank()) {
            throw io.tunetrail.api.http.ApiErrors.missingField("ids");
        }
        List<String> tracks = new ArrayList<>(new java.util.LinkedHashSet<>(List.of(ids.split(",", -1))));
        if (tracks.size() < 2 || tracks.size() > matrixMaxIds) {
            throw io.tunetrail.api.http.ApiErrors.invalidField("ids", "give 2 to " + matrixMaxIds + " distinct track ids, comma-separated; got "
                    + tracks.size());
        }
        tracks.forEach(t -> catalog.track(p, Check.id("ids", t)));
        Map<String, float[]> signal = store.signalEmbeddings(p.orgId(), tracks);
        Map<String, TrackEmbeddingSources.Source> catalogSources = sources.of(p.orgId(), tracks);
        boolean[] inSignal = new boolean[tracks.size()];
        float[][] vectors = new float[tracks.size()][];
        Map<String, String> embeddings = new LinkedHashMap<>();
        for (int i = 0; i < tracks.size(); i++) {
            String t = tracks.get(i);
            if (signal.containsKey(t)) {
                inSignal[i] = true;
                vectors[i] = signal.get(t);
                embeddings.put(t, SIGNAL);
            } else {
                vectors[i] = catalogVectors.embedding(p.orgId(), t).map(io.tunetrail.store.vector.TrackEmbedding::vector).orElse(null);
                var source = catalogSources.get(t);
                embeddings.put(t, vectors[i] == null ? null : source == null ? TrackEmbeddingSources.CATALOG_FEATURES : source.source());
            }
        }
        List<List<Double>> matrix = new ArrayList<>(tracks.size());
        for (int i = 0; i < tracks.size(); i++) {
            List<Double> row = new ArrayList<>(tracks.size());
            for (int j = 0; j < tracks.size(); j++) {
                row.add(vectors[i] == null || vectors[j] == null || inSignal[i] != inSignal[j] ? null : cosine(vectors[i], vectors[j]));
            }
            matrix.add(row);
        }
        return new SimilarityMatrix(tracks, embeddings, matrix);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        // Stored vectors are never all zero (VectorStore and the analyser both refuse it), so the norms are positive.
        return dot / Math.sqrt(na * nb);
    }

    private Neighbours catalogAnswer(Principal p, RecommendationService.SimilaritySearchRequest r, int fetch, RecommendationFilter filter) {
        var wide = new RecommendationService.SimilaritySearchRequest(r.trackId(), r.vector(), Math.min(fetch, 100), r.excludeTrackIds());
        RecommendationService.SimilarityResult found = recommendations.similaritySearch(p, wide);
        List<RecommendationService.Match> kept = filtered(p, found.matches(), RecommendationService.Match::trackId, r.limit(), filter);
        List<String> ids = new ArrayList<>(kept.stream().map(RecommendationService.Match::trackId).toList());
        if (r.trackId() != null) {
            ids.add(r.trackId());
        }
        Map<String, TrackEmbeddingSources.Source> of = sources.of(p.orgId(), ids);
        // A vector has no source of its own: it is searched in the catalog embeddings' space, named by its usual source.
        TrackEmbeddingSources.Source own = r.trackId() == null ? null : of.get(r.trackId());
        List<AudioMatch> matches = kept.stream().map(m -> {
            var source = of.get(m.trackId());
            return new AudioMatch(m.trackId(), m.score(), m.distance(), source == null ? null : source.source());
        }).toList();
        return new Neighbours(own == null ? TrackEmbeddingSources.CATALOG_FEATURES : own.source(), found.modelVersion(), catalogVectors.dimension(),
                own == null ? null : own.analyserVersion(), found.modelVersion(), matches);
    }

    private Neighbours signalAnswer(Principal p, String model, List<Neighbour> found, int limit, RecommendationFilter filter) {
        List<AudioMatch> matches = filtered(p, found, Neighbour::trackId, limit, filter).stream()
                .map(n -> new AudioMatch(n.trackId(), n.similarity(), n.distance(), null)).toList();
        return new Neighbours(SIGNAL, model, SignalEmbedding.DIMENSION, null, model, matches);
    }

    /**
     * The first {@code limit} of the ranked neighbours that pass the filter, in the filter's order (its boosts may
     * reorder them). The catalog cards of all of them are read in one batch, and only when the filter needs them.
     */
    private <T> List<T> filtered(Principal p, List<T> ranked, java.util.function.Function<T, String> id, int limit, RecommendationFilter filter) {
        if (!filter.needsCards()) {
            return ranked.subList(0, Math.min(limit, ranked.size()));
        }
        Map<String, T> byId = new LinkedHashMap<>();
        ranked.forEach(t -> byId.putIfAbsent(id.apply(t), t));
        Map<String, TrackCard> cards = catalog.cards(p.orgId(), byId.keySet());
        List<RecommendationService.Item> items = new ArrayList<>(byId.size());
        ranked.forEach(t -> items.add(new RecommendationService.Item(id.apply(t), 0, null, null)));
        int year = clock.instant().atZone(ZoneOffset.UTC).getYear();
        return filter.apply(items, cards, Set.of(), year).stream().limit(limit).map(i -> byId.get(i.trackId())).toList();
    }

    /** How many neighbours to read for {@code limit}: more when the filter may drop some, within a bound. */
    static int candidates(int limit, RecommendationFilter filter) {
        return filter.restricts() ? Math.min(MAX_CANDIDATES, Math.max(limit, limit * HEADROOM)) : limit;
    }

    /** These routes have no listener whose plays could be left out. */
    private static void checkNoListener(RecommendationFilter filter) {
        if (filter.asksToExcludeSeen()) {
            throw Check.invalid("exclude_seen", "'exclude_seen' needs a listener; the audio similarity routes have none (leave out "
                    + "tracks with exclude_track_ids or exclude_artists)");
        }
    }

    /** The vector of a signal search: finite and not all zero (a zero vector has no direction to compare). */
    private static float[] signalVector(List<Double> vector) {
        float[] v = RecommendationService.finiteVector(vector);
        for (float x : v) {
            if (x != 0) {
                return v;
            }
        }
        throw Check.invalid("vector", "'vector' is all zeros; cosine similarity needs a direction");
    }
}
