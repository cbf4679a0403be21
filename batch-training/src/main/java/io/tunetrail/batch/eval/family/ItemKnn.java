package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;

/**
 * Item-based k-nearest neighbours: cosine similarity of the items' binary user vectors with shrinkage,
 * {@code s_ij = c_ij / (sqrt(c_ii · c_jj) + shrink)} (a pair seen together by few users is trusted less), the
 * {@code neighbours} most similar items kept per item; a user's score of j sums {@code s_ij} over their items i.
 */
public final class ItemKnn implements Family {
    @Override
    public String name() {
        return "itemknn";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("neighbours", 100, "shrink", 10.0);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("neighbours", Hyperparameters.oneOf(random, 20, 50, 100, 200, 400, 800),
                "shrink", Hyperparameters.oneOf(random, 0.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        double shrink = params.number("shrink");
        Cooccurrence.Rows rows = Cooccurrence.rows(train,
                (cij, cii, cjj) -> (float) (cij / (Math.sqrt((double) cii * cjj) + shrink)),
                params.integer("neighbours"), 1, false);
        return (user, out) -> {
            int from = train.rowStart(user);
            int count = train.rowStart(user + 1) - from;
            int[] items = new int[count];
            float[] ones = new float[count];
            for (int x = 0; x < count; x++) {
                items[x] = train.col(from + x);
                ones[x] = 1;
            }
            Cooccurrence.score(rows, items, ones, count, out);
        };
    }
}
