package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;

/**
 * SAR (Microsoft Recommenders' Smart Adaptive Recommendations): item–item similarity from co-occurrence counts
 * (jaccard {@code c_ij / (c_ii + c_jj - c_ij)}, lift {@code c_ij / (c_ii · c_jj)} or the raw count), pairs seen together
 * fewer than {@code threshold} times dropped; a user's affinity to an item is its weight decayed by its age,
 * {@code w · 2^(-(T - t) / half_life)} with T the newest training time; scores are affinity × similarity.
 * {@code half_life_days} 0 turns the decay off.
 */
public final class Sar implements Family {
    @Override
    public String name() {
        return "sar";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("similarity", "jaccard", "half_life_days", 30.0, "threshold", 1, "weight", "binary");
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("similarity", Hyperparameters.oneOf(random, "jaccard", "lift", "cooccurrence"),
                "half_life_days", Hyperparameters.oneOf(random, 0.0, 7.0, 30.0, 90.0, 365.0),
                "threshold", Hyperparameters.oneOf(random, 1, 2, 3),
                "weight", Hyperparameters.oneOf(random, "binary", "log"));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        Cooccurrence.Similarity similarity = switch (params.word("similarity")) {
            case "jaccard" -> (cij, cii, cjj) -> (float) cij / (cii + cjj - cij);
            case "lift" -> (cij, cii, cjj) -> (float) ((double) cij / ((double) cii * cjj));
            case "cooccurrence" -> (cij, cii, cjj) -> cij;
            default -> throw new IllegalArgumentException("SAR similarity is jaccard, lift or cooccurrence, not "
                    + params.word("similarity"));
        };
        Cooccurrence.Rows rows = Cooccurrence.rows(train, similarity, 0, params.integer("threshold"), true);
        double halfLife = params.number("half_life_days") * 86_400;
        boolean log = params.word("weight").equals("log");
        long newest = Long.MIN_VALUE;
        for (int e = 0; e < train.nnz(); e++) {
            newest = Math.max(newest, train.time(e));
        }
        long now = newest;
        return (user, out) -> {
            int from = train.rowStart(user);
            int count = train.rowStart(user + 1) - from;
            int[] items = new int[count];
            float[] affinity = new float[count];
            for (int x = 0; x < count; x++) {
                items[x] = train.col(from + x);
                double w = log ? Math.log1p(train.value(from + x)) : 1;
                double decay = halfLife > 0 ? Math.pow(2, -(now - train.time(from + x)) / halfLife) : 1;
                affinity[x] = (float) (w * decay);
            }
            Cooccurrence.score(rows, items, affinity, count, out);
        };
    }
}
