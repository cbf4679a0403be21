package io.tunetrail.batch.eval;

import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.Family;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./tunetrail eval}: every requested family on one split of a data set, in one run. Each family is tuned by
 * {@link RandomSearch} on a validation split of the training part, refitted with the winner on the whole training
 * part and scored on the test part once, beside the popularity baseline. {@code best} is the family with the highest
 * validation nDCG (ties: the earlier family), never chosen by its test figures.
 */
public final class FamilyEvaluation {
    private final RowSplit split;
    private final long seed;
    private final int k;
    private final Duration tuneBudget;
    private final Consumer<String> log;

    public FamilyEvaluation(RowSplit split, long seed, int k, Duration tuneBudget, Consumer<String> log) {
        this.split = split;
        this.seed = seed;
        this.k = k;
        this.tuneBudget = tuneBudget;
        this.log = log;
    }

    /** The eval's JSON object: the split's sizes, one key per family, {@code baseline} and {@code best}. */
    public Map<String, Object> run(String dataset, Interactions rows, List<Family> families) {
        return run(dataset, rows, families, null);
    }

    /**
     * As {@link #run(String, Interactions, List)}, with an {@code oracle} (synthetic data's true preferences; null: none)
     * scored on the same split beside the baseline, and {@code oracle_goal}: the best family's test precision as a
     * share of the oracle's, and whether it is within 10% of it.
     */
    public Map<String, Object> run(String dataset, Interactions rows, List<Family> families, Family oracle) {
        boolean[] mask = split.trainMask(rows);
        Holdout holdout = Holdout.of(rows, mask, k);
        Interactions trainRows = rows.subset(mask, true);
        RandomSearch search = new RandomSearch(trainRows, split, seed + 1, k, tuneBudget);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", dataset);
        out.put("k", k);
        out.put("split", split.kind().wireName());
        out.put("users", holdout.train().users());
        out.put("items", holdout.train().items());
        out.put("train_pairs", holdout.train().nnz());
        out.put("test_pairs", holdout.testPairs());
        out.put("tune_budget_seconds", tuneBudget.toSeconds());
        log.accept(String.format(Locale.ROOT, "%s: %,d users, %,d items in train, %,d train pairs, %,d test pairs (%s split), k = %d",
                dataset, holdout.train().users(), holdout.train().items(), holdout.train().nnz(), holdout.testPairs(),
                split.kind().wireName(), k));
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "%-10s %9s %9s %9s %9s %9s %9s %9s %8s %8s", "", "precision", "recall", "ndcg",
                "map", "coverage", "novelty", "pop.bias", "val.ndcg", "fit s"));
        Holdout.Score baseline = fitAndScore("baseline", Families.popularity(), holdout, null, out, table);
        Holdout.Score truth = oracle == null ? null : fitAndScore("oracle", oracle, holdout, null, out, table);
        String best = null;
        double bestValidation = Double.NEGATIVE_INFINITY;
        for (Family family : families) {
            long start = System.nanoTime();
            RandomSearch.Result tuned = search.tune(family);
            double tuneSeconds = (System.nanoTime() - start) / 1e9;
            log.accept(String.format(Locale.ROOT, "%s: %d trials in %.1f s, validation ndcg %.4f with %s", family.name(),
                    tuned.trials(), tuneSeconds, tuned.validationNdcg(), tuned.best().values()));
            fitAndScore(family.name(), family, holdout, tuned, out, table);
            figures(out, family.name()).put("tune_seconds", round(tuneSeconds));
            if (tuned.validationNdcg() > bestValidation) {
                bestValidation = tuned.validationNdcg();
                best = family.name();
            }
        }
        out.put("best", best);
        if (truth != null && best != null) {
            double bestPrecision = ((Number) figures(out, best).get("precision")).doubleValue();
            double share = truth.metrics().precision() == 0 ? 0 : bestPrecision / truth.metrics().precision();
            out.put("oracle_goal", Map.of("best", best, "share_of_oracle_precision", RankingMetrics.round(share),
                    "within_10_percent", share >= 0.9));
            log.accept(String.format(Locale.ROOT, "best family %s reaches %.1f%% of the oracle's precision@%d", best,
                    100 * share, k));
        }
        table.forEach(log);
        if (best != null) {
            Map<String, Object> b = figures(out, best);
            log.accept(String.format(Locale.ROOT, "best on validation: %s; its test precision@%d / popularity: %.2f", best, k,
                    ((Number) b.get("precision")).doubleValue() / baseline.metrics().precision()));
        }
        return out;
    }

    private Holdout.Score fitAndScore(String key, Family family, Holdout holdout, RandomSearch.Result tuned, Map<String, Object> out,
            List<String> table) {
        long start = System.nanoTime();
        var recommender = family.fit(holdout.train(), tuned == null ? family.defaults() : tuned.best());
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        Holdout.Score score = holdout.score(recommender);
        Map<String, Object> figures = score.asMap();
        figures.put("fit_seconds", round(fitSeconds));
        if (tuned != null) {
            figures.put("params", tuned.best().values());
            figures.put("validation_ndcg", RankingMetrics.round(tuned.validationNdcg()));
            figures.put("trials", tuned.trials());
        }
        out.put(key, figures);
        RankingMetrics m = score.metrics();
        table.add(String.format(Locale.ROOT, "%-10s %9.4f %9.4f %9.4f %9.4f %9.4f %9.3f %9.4f %8s %8.1f", key, m.precision(),
                m.recall(), m.ndcg(), m.map(), m.coverage(), m.novelty(), m.popularityBias(),
                tuned == null ? "-" : String.format(Locale.ROOT, "%.4f", tuned.validationNdcg()), fitSeconds));
        return score;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> figures(Map<String, Object> out, String family) {
        return (Map<String, Object>) out.get(family);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
