package io.tunetrail.batch.eval;

import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
import java.time.Duration;
import java.util.Random;

/**
 * Tunes a family without looking at the test part: the training rows are split again (the same kind of split, another
 * seed) into inner-training and validation rows; the family's defaults, then random draws from its search space, are
 * fitted on the inner part and scored by validation nDCG until the time budget is spent (the defaults always run).
 * The caller refits the winner on the whole training part.
 */
public final class RandomSearch {
    private final Holdout validation;
    private final Duration budget;
    private final long seed;

    /** @param trainRows the training part of the outer split, in file order */
    public RandomSearch(Interactions trainRows, RowSplit split, long seed, int k, Duration budget) {
        this.validation = Holdout.of(trainRows, split.reseeded(seed).trainMask(trainRows), k);
        this.budget = budget;
        this.seed = seed;
    }

    /** The chosen hyperparameters, their validation nDCG and the trials run. */
    public record Result(Hyperparameters best, double validationNdcg, int trials) {}

    public Result tune(Family family) {
        return tune(family, budget);
    }

    /** As {@link #tune(Family)} with another budget for this family. */
    public Result tune(Family family, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Random random = new Random(seed);
        Hyperparameters best = family.defaults();
        double bestNdcg = ndcg(family, best);
        int trials = 1;
        // A trial that would certainly end past the deadline is not started: the last one's time predicts the next.
        long last = System.nanoTime() - (deadline - budget.toNanos());
        while (System.nanoTime() + last < deadline) {
            long start = System.nanoTime();
            Hyperparameters candidate = family.sample(random);
            double ndcg = ndcg(family, candidate);
            trials++;
            if (ndcg > bestNdcg) {
                best = candidate;
                bestNdcg = ndcg;
            }
            last = System.nanoTime() - start;
        }
        return new Result(best, bestNdcg, trials);
    }

    private double ndcg(Family family, Hyperparameters params) {
        return validation.score(family.fit(validation.train(), params)).metrics().ndcg();
    }
}
