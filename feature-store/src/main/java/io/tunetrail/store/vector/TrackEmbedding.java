package io.tunetrail.store.vector;

import io.tunetrail.store.Ids;
import java.util.Arrays;
import java.util.Objects;

/**
 * One track's embedding, as written to a {@link VectorStore}. {@code modelVersion} names the model that produced it
 * (null for imported vectors). Compared by value, array included.
 */
public record TrackEmbedding(String trackId, float[] vector, String modelVersion) {

    public TrackEmbedding {
        Ids.require("track id", trackId);
        vector = vector.clone();
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackEmbedding e && trackId.equals(e.trackId) && Arrays.equals(vector, e.vector)
                && Objects.equals(modelVersion, e.modelVersion);
    }

    @Override
    public int hashCode() {
        return trackId.hashCode() * 31 + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "TrackEmbedding[" + trackId + ", " + vector.length + " dims, " + modelVersion + "]";
    }
}
