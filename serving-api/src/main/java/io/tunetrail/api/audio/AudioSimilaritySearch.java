package io.tunetrail.api.audio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
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

    public ObjectNode search(Principal p, RecommendationService.SimilaritySearchRequest r) {
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
    public ObjectNode byAudio(Principal p, io.tunetrail.audio.AudioAnalysis clip, int limit) {
        return answer(SIGNAL, clip.embedding().model(), clip.embedding().dimension(),
                store.nearestSignal(p.orgId(), clip.embedding().vector(), limit, Set.of()));
    }

    private ObjectNode catalogAnswer(Principal p, RecommendationService.SimilaritySearchRequest r) {
        RecommendationService.SimilarityResult found = recommendations.similaritySearch(p, r);
        ObjectNode out = head(CATALOG, found.modelVersion(), catalogVectors.dimension());
        out.put("model_version", found.modelVersion());
        var matches = out.putArray("matches");
        found.matches().forEach(m -> matches.addObject().put("track_id", m.trackId()).put("score", m.score()).put("distance", m.distance()));
        return out;
    }

    private static ObjectNode answer(String embedding, String model, int dimension, List<Neighbour> found) {
        ObjectNode out = head(embedding, model, dimension);
        out.put("model_version", model);
        var matches = out.putArray("matches");
        found.forEach(n -> matches.addObject().put("track_id", n.trackId()).put("score", n.similarity()).put("distance", n.distance()));
        return out;
    }

    private static ObjectNode head(String embedding, String model, int dimension) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("embedding", embedding).put("model", model).put("dimension", dimension);
        return out;
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
