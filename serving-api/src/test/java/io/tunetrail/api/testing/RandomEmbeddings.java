package io.tunetrail.api.testing;

import io.tunetrail.model.Track;
import io.tunetrail.store.vector.PgVectorStore;
import io.tunetrail.store.vector.TrackEmbedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/** Gaussian audio embeddings (model "emb-1") for an org's tracks, so embedding fallbacks have neighbours to find. */
public final class RandomEmbeddings {
    private RandomEmbeddings() {}

    public static void store(DataSource dataSource, String orgId, List<Track> tracks, long seed) {
        PgVectorStore vectors = new PgVectorStore(dataSource);
        Random random = new Random(seed);
        List<TrackEmbedding> embeddings = new ArrayList<>();
        for (Track t : tracks) {
            float[] v = new float[vectors.dimension()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            embeddings.add(new TrackEmbedding(t.trackId(), v, "emb-1"));
        }
        vectors.upsert(orgId, embeddings);
    }
}
