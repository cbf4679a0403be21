package io.tunetrail.store.vector;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Track embeddings per org and nearest-neighbour search over them, by cosine distance.
 *
 * <p>Every call names the org; a search only ever returns tracks of that org. Vectors must have {@link #dimension()}
 * components, all finite and not all zero (cosine distance is undefined for the zero vector). Searches may be
 * approximate (an index such as HNSW): results are ordered by distance, but a rare true neighbour may be missed.
 *
 * <p>Implementations hold connections: create them where they are used and share them between threads.
 */
public interface VectorStore {

    /** The number of components every vector of this store has. */
    int dimension();

    /**
     * Inserts or replaces the embeddings of tracks of the org's catalog and returns how many rows changed (writing
     * the same vector again changes nothing). Fails for a track not in the org's catalog.
     */
    int upsert(String orgId, List<TrackEmbedding> embeddings);

    /** The stored embedding of a track, exactly as written. */
    Optional<TrackEmbedding> embedding(String orgId, String trackId);

    /** Up to {@code k} tracks of the org nearest to {@code query}, nearest first, none of {@code excludeTrackIds}. */
    List<Neighbour> nearest(String orgId, float[] query, int k, Set<String> excludeTrackIds);

    /**
     * Up to {@code k} tracks of the org nearest to a track of the org, nearest first, never the track itself nor any
     * of {@code excludeTrackIds}; empty when the track has no embedding.
     */
    List<Neighbour> nearestToTrack(String orgId, String trackId, int k, Set<String> excludeTrackIds);
}
