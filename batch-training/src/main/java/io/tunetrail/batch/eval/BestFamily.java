package io.tunetrail.batch.eval;

import io.tunetrail.batch.eval.family.Families;
import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.batch.eval.family.Hyperparameters;
import io.tunetrail.batch.eval.family.Recommender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The nightly chain's model choice for one org: each candidate family is tuned by {@link RandomSearch} on a validation
 * split of the org's own interactions (all of them are training data here: the nightly model serves, it is not
 * scored), the best on validation nDCG@k wins (a tie goes to the cheaper family, {@link #BY_COST}) and is refitted on
 * every interaction. A forced choice (an enterprise training request) skips the search and fits what it names.
 */
public final class BestFamily {
    /** Cheapest fit first at the sizes of an org: a tie in validation nDCG goes to the family earlier here. */
    static final List<String> BY_COST = List.of("content", "sar", "itemknn", "ease", "als", "bpr", "lightgcn");

    private final RowSplit split;
    private final long seed;
    private final int k;

    /** @param split how the org's interactions are split into inner training and validation rows */
    public BestFamily(RowSplit split, long seed, int k) {
        this.split = split;
        this.seed = seed;
        this.k = k;
    }

    /**
     * The fitted winner on every interaction, with what the registry records of the choice.
     *
     * @param validationNdcg each candidate's best validation nDCG@k (empty for a forced choice)
     * @param trials each candidate's number of fits tried
     * @param skipped the candidates not tried because the budget was spent, cheapest first
     */
    public record Choice(String family, Hyperparameters params, Map<String, Double> validationNdcg,
            Map<String, Integer> trials, List<String> skipped, boolean forced, double seconds, UserItemMatrix matrix,
            Recommender model) {
        /** What the registry's {@code input_snapshot} keeps of the choice. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("family", family);
            m.put("family_params", params.values());
            m.put("forced", forced);
            Map<String, Object> scores = new LinkedHashMap<>();
            validationNdcg.forEach((f, v) -> scores.put(f, RankingMetrics.round(v)));
            m.put("validation_ndcg", scores);
            m.put("trials", trials);
            m.put("skipped_for_budget", skipped);
            m.put("selection_seconds", Math.round(seconds * 10) / 10.0);
            return m;
        }
    }

    /**
     * Tunes the candidates, cheapest first, within {@code budget} for all of them (each started family gets an equal
     * share of what is left and runs its defaults at least), and refits the best. Once the budget is spent, the
     * families not yet started are skipped ({@link Choice#skipped}): the first always runs.
     */
    public Choice choose(Interactions rows, List<Family> candidates, Duration budget) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidate family to choose from");
        }
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        RandomSearch search = new RandomSearch(rows, split, seed, k, Duration.ZERO);
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, Integer> trials = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Family best = null;
        RandomSearch.Result bestResult = null;
        List<Family> ordered = byCost(candidates);
        for (int f = 0; f < ordered.size(); f++) {
            Family family = ordered.get(f);
            long left = deadline - System.nanoTime();
            if (bestResult != null && left <= 0) {
                skipped.add(family.name());
                continue;
            }
            RandomSearch.Result tuned = search.tune(family, Duration.ofNanos(Math.max(0, left) / (ordered.size() - f)));
            scores.put(family.name(), tuned.validationNdcg());
            trials.put(family.name(), tuned.trials());
            if (bestResult == null || tuned.validationNdcg() > bestResult.validationNdcg()) {
                best = family;
                bestResult = tuned;
            }
        }
        UserItemMatrix all = UserItemMatrix.of(rows);
        return new Choice(best.name(), bestResult.best(), scores, trials, skipped, false, (System.nanoTime() - start) / 1e9,
                all, best.fit(all, bestResult.best()));
    }

    /** Fits the named family with {@code params} over its defaults, without a search. */
    public Choice forced(Interactions rows, Family family, Map<String, Object> params) {
        long start = System.nanoTime();
        Map<String, Object> merged = new LinkedHashMap<>(family.defaults().values());
        for (String name : params.keySet()) {
            if (!merged.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a hyperparameter of " + family.name()
                        + "; its hyperparameters are " + String.join(", ", merged.keySet()));
            }
        }
        merged.putAll(params);
        Hyperparameters h = new Hyperparameters(merged);
        UserItemMatrix all = UserItemMatrix.of(rows);
        Recommender model = family.fit(all, h);
        return new Choice(family.name(), h, Map.of(), Map.of(family.name(), 1), List.of(), true, (System.nanoTime() - start) / 1e9,
                all, model);
    }

    /** One recommended item of a user's list. */
    public record Ranked(String userId, int rank, String itemId, double score) {}

    /**
     * Every user's top {@code n} of the choice's model, their own items and {@code alsoExcluded} ones (ids of items
     * heard without a positive preference) left out when {@code excludeHeard}; rank 1 is the best.
     */
    public static List<Ranked> topN(Choice choice, int n, boolean excludeHeard, Map<String, Set<String>> alsoExcluded) {
        return topN(choice.matrix(), choice.model(), n, excludeHeard, alsoExcluded);
    }

    /** {@link #topN(Choice, int, boolean, Map)} of a model fitted on {@code m}. */
    public static List<Ranked> topN(UserItemMatrix m, Recommender model, int n, boolean excludeHeard,
            Map<String, Set<String>> alsoExcluded) {
        List<Ranked> out = new ArrayList<>(m.users() * Math.min(n, m.items()));
        float[] scores = new float[m.items()];
        for (int u = 0; u < m.users(); u++) {
            model.score(u, scores);
            if (excludeHeard) {
                for (int e = m.rowStart(u); e < m.rowStart(u + 1); e++) {
                    scores[m.col(e)] = Float.NEGATIVE_INFINITY;
                }
                for (String item : alsoExcluded.getOrDefault(m.userId(u), Set.of())) {
                    int i = m.itemIndex(item);
                    if (i >= 0) {
                        scores[i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            int[] best = Holdout.bestK(scores, n);
            for (int r = 0; r < best.length; r++) {
                out.add(new Ranked(m.userId(u), r + 1, m.itemId(best[r]), scores[best[r]]));
            }
        }
        return out;
    }

    /**
     * Parses a forced choice's hyperparameters, {@code name:value,...} (whole numbers, decimals or words); empty text
     * is no override.
     */
    public static Map<String, Object> parseParams(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0 || colon == e.length() - 1) {
                throw new IllegalArgumentException("bad hyperparameter '" + e + "'; expected name:value, e.g. lambda:500");
            }
            out.put(e.substring(0, colon).trim(), value(e.substring(colon + 1).trim()));
        }
        return out;
    }

    private static Object value(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("hyperparameter value '" + v + "' is not a finite number");
                }
                return d;
            } catch (NumberFormatException word) {
                return v.toLowerCase(Locale.ROOT);
            }
        }
    }

    /** The families a plan's model ladder names that a nightly fit can train, cheapest first. */
    public static List<Family> trainable(List<String> planFamilies) {
        List<String> known = Families.names();
        return byCost(Families.parse(String.join(",", planFamilies.stream().filter(known::contains).toList())).stream()
                .filter(f -> planFamilies.contains(f.name())).toList());
    }

    private static List<Family> byCost(List<Family> families) {
        return families.stream().sorted(Comparator.comparingInt(f -> {
            int at = BY_COST.indexOf(f.name());
            return at < 0 ? BY_COST.size() : at;
        })).toList();
    }
}
