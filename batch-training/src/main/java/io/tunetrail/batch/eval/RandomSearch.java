package io.tunetrail.batch.eval;

import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Tunes a family without looking at the test part: the training rows are split again (the same kind of split, another
 * seed) into inner-training and validation rows; the family's defaults, then candidates from its search space, are
 * fitted on the inner part and scored by validation nDCG until the time budget is spent (the defaults always run).
 * The caller refits the winner on the whole training part.
 *
 * <p>Candidates alternate between a fresh draw and the best so far with one hyperparameter redrawn: with five of them
 * (EASE's) a pure random search leaves most combinations of the discrete ones untried near a good λ. A candidate
 * already scored is not fitted again; when {@value #REPEATS_BEFORE_DONE} draws in a row all were, the space is taken
 * as exhausted and the search ends before its budget.
 */
public final class RandomSearch {
    /** A repeat costs a draw, not a fit: enough that a space of a few hundred candidates is all tried. */
    static final int REPEATS_BEFORE_DONE = 1_000;

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
        Set<Hyperparameters> scored = new HashSet<>(Set.of(best));
        int trials = 1;
        int attempts = 0;
        int repeats = 0;
        // A trial that would certainly end past the deadline is not started: the last one's time predicts the next.
        long last = System.nanoTime() - (deadline - budget.toNanos());
        while (System.nanoTime() + last < deadline && repeats < REPEATS_BEFORE_DONE) {
            Hyperparameters candidate = family.sample(random);
            // Alternate on attempts, not trials: once every one-name change of the best has been scored, a redraw
            // only repeats, and the fresh draws must go on finding what is left of a small space.
            if (attempts++ % 2 == 1) {
                candidate = withOneRedrawn(best, candidate, random);
            }
            if (!scored.add(candidate)) {
                repeats++;
                continue;
            }
            repeats = 0;
            long start = System.nanoTime();
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

    /**
     * {@code best} with one of the draw's hyperparameters (chosen at random) in place of its own; the draw itself when
     * that changes nothing or {@code best} lacks the name (the defaults may name fewer than a draw does).
     */
    static Hyperparameters withOneRedrawn(Hyperparameters best, Hyperparameters draw, Random random) {
        List<String> names = new ArrayList<>(draw.values().keySet());
        String name = names.get(random.nextInt(names.size()));
        if (!best.values().containsKey(name) || best.values().get(name).equals(draw.values().get(name))) {
            return draw;
        }
        Map<String, Object> mixed = new LinkedHashMap<>(best.values());
        mixed.put(name, draw.values().get(name));
        return new Hyperparameters(mixed);
    }

    private double ndcg(Family family, Hyperparameters params) {
        return validation.score(family.fit(validation.train(), params)).metrics().ndcg();
    }
}
