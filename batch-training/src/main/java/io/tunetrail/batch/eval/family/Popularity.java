package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;

/** The baseline: every user gets the items with the most distinct training users. */
public final class Popularity implements Family {
    @Override
    public String name() {
        return "popularity";
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        float[] support = new float[train.items()];
        for (int i = 0; i < support.length; i++) {
            support[i] = train.support(i);
        }
        return (user, out) -> System.arraycopy(support, 0, out, 0, support.length);
    }
}
