package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;

/** A model family: how to fit it on a training matrix with given hyperparameters, and its search space. */
public interface Family {
    /** The family's key in the eval output and the registry ({@code ease}, {@code als}, ...). */
    String name();

    /** Hyperparameters that work without tuning; the first trial of every search. None unless the family has some. */
    default Hyperparameters defaults() {
        return Hyperparameters.of();
    }

    /** One random draw from the search space; the defaults for a family without one. */
    default Hyperparameters sample(Random random) {
        return defaults();
    }

    Recommender fit(UserItemMatrix train, Hyperparameters params);
}
