package io.tunetrail.store.vector;

/** A track found by a similarity search, with its cosine distance to the query (0 = same direction, 2 = opposite). */
public record Neighbour(String trackId, double distance) {

    /** Cosine similarity, 1 - distance: what the API reports as a score. */
    public double similarity() {
        return 1 - distance;
    }
}
