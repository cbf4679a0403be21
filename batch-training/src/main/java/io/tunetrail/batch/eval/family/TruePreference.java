package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.function.ToDoubleBiFunction;

/**
 * The oracle of synthetic data: ranks by each listener's planted preference for each item (what the generator drew
 * their listening from), learning nothing. What a perfect model of the generator would reach on the same split; no
 * family can be expected to beat it except by the luck of the draw.
 */
public final class TruePreference implements Family {
    private final ToDoubleBiFunction<String, String> truth;

    /** @param truth the planted preference of a listener id for an item id */
    public TruePreference(ToDoubleBiFunction<String, String> truth) {
        this.truth = truth;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        return (user, out) -> {
            String userId = train.userId(user);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) truth.applyAsDouble(userId, train.itemId(i));
            }
        };
    }
}
