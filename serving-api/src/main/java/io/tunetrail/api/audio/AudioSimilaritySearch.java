package io.tunetrail.api.audio;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.service.RecommendationService;
import io.tunetrail.audio.embedding.SignalEmbedding;
import io.tunetrail.store.vector.Neighbour;
import io.tunetrail.store.vector.VectorStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * POST /api/v1/audio/similarity-search in the right embedding space: a track's 512-d signal embedding (its newest
 * analysed audio) when it has one, else the catalog's feature embedding; a vector by its dimension (512: signal, the
 * catalog's: catalog features). The answer says which space answered ({@code embedding}, {@code model},
 * {@code dimension}), as GET /tracks/similar-by-audio does.
 */
public final class AudioSimilaritySearch {
    public static final String SIGNAL = "signal";
    public static final String CATALOG = "catalog_features";

    /** The nearest tracks, and the space that answered: {@code embedding} ({@code signal} or {@code catalog_features}), model, dimension. */
    public record Neighbours(String embedding, String model, int dimension, String modelVersion, List<RecommendationService.Match> matches) {}

    private final AudioAnalysisStore store;
    private final CatalogService catalog;
    private final VectorStore catalogVectors;
    private final RecommendationService recommendations;

    public AudioSimilaritySearch(AudioAnalysisStore store, CatalogService catalog, VectorStore catalogVectors,
            RecommendationService recommendations) {
        this.store = store;
        this.catalog = catalog;
        this.catalogVectors = catalogVectors;
        this.recommendations = recommendations;
    }

    public Neighbours search(Principal p, RecommendationService.SimilaritySearchRequest r) {
        Set<String> exclude = new HashSet<>(r.excludeTrackIds());
        if (r.trackId() != null) {
            catalog.track(p, r.trackId());
            var signal = store.newestSignalOfTrack(p.orgId(), r.trackId());
            if (signal.isPresent()) {
                exclude.add(r.trackId());
                return answer(SIGNAL, signal.get().model(), SignalEmbedding.DIMENSION,
                        store.nearestSignal(p.orgId(), signal.get().vector(), r.limit(), exclude));
            }
            return catalogAnswer(p, r);
        }
        int dimension = r.vector().size();
        if (dimension == SignalEmbedding.DIMENSION) {
            return answer(SIGNAL, SignalEmbedding.MODEL, dimension, store.nearestSignal(p.orgId(), signalVector(r.vector()), r.limit(), exclude));
        }
        if (dimension != catalogVectors.dimension()) {
            throw Check.invalid("vector", "'vector' has " + dimension + " components; give a signal embedding (" + SignalEmbedding.DIMENSION
                    + ") or a catalog feature embedding (" + catalogVectors.dimension() + ")");
        }
        return catalogAnswer(p, r);
    }

    /** The org's tracks that sound like a clip analysed for this search (not kept), in the signal space. */
    public Neighbours byAudio(Principal p, io.tunetrail.audio.AudioAnalysis clip, int limit) {
        return answer(SIGNAL, clip.embedding().model(), clip.embedding().dimension(),
                store.nearestSignal(p.orgId(), clip.embedding().vector(), limit, Set.of()));
    }

    private Neighbours catalogAnswer(Principal p, RecommendationService.SimilaritySearchRequest r) {
        RecommendationService.SimilarityResult found = recommendations.similaritySearch(p, r);
        return new Neighbours(CATALOG, found.modelVersion(), catalogVectors.dimension(), found.modelVersion(),
                found.matches().stream().map(m -> new RecommendationService.Match(m.trackId(), m.score(), m.distance())).toList());
    }

    private static Neighbours answer(String embedding, String model, int dimension, List<Neighbour> found) {
        return new Neighbours(embedding, model, dimension, model,
                found.stream().map(n -> new RecommendationService.Match(n.trackId(), n.similarity(), n.distance())).toList());
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
