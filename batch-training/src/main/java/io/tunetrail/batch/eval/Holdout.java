package io.tunetrail.batch.eval;

import io.tunetrail.batch.eval.family.Recommender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A training matrix and the test items of each user, and how a fitted recommender scores on them: each user with test
 * items gets the top k of the training matrix's items, their own training items excluded, scored by
 * {@link RankingMetrics} (every test item relevant, binary gains). Users with no test items are not scored; a user
 * only in the test part gets an empty list and scores 0.
 */
public final class Holdout {
    private static final int BOOTSTRAP_SAMPLES = 1000;

    private final UserItemMatrix train;
    private final Map<String, Set<String>> test;
    private final int k;

    public Holdout(UserItemMatrix train, Map<String, Set<String>> test, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.train = train;
        this.test = test;
        this.k = k;
    }

    /** The holdout of one split of {@code rows}: the mask's rows train, the others are test. */
    public static Holdout of(Interactions rows, boolean[] trainMask, int k) {
        Map<String, Set<String>> test = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            if (!trainMask[r]) {
                test.computeIfAbsent(rows.userId(r), u -> new HashSet<>()).add(rows.itemId(r));
            }
        }
        return new Holdout(UserItemMatrix.of(rows, trainMask), test, k);
    }

    public UserItemMatrix train() {
        return train;
    }

    public int k() {
        return k;
    }

    public long testPairs() {
        return test.values().stream().mapToLong(Set::size).sum();
    }

    /** A recommender's figures, with 95% bootstrap intervals over users for precision and nDCG. */
    public record Score(RankingMetrics metrics, double[] precisionCi, double[] ndcgCi) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = metrics.asMap();
            m.put("precision_ci95", List.of(RankingMetrics.round(precisionCi[0]), RankingMetrics.round(precisionCi[1])));
            m.put("ndcg_ci95", List.of(RankingMetrics.round(ndcgCi[0]), RankingMetrics.round(ndcgCi[1])));
            return m;
        }
    }

    public Score score(Recommender recommender) {
        List<String> users = new ArrayList<>(test.keySet());
        Map<String, Integer> userIndex = new HashMap<>();
        for (int u = 0; u < train.users(); u++) {
            userIndex.put(train.userId(u), u);
        }
        @SuppressWarnings("unchecked")
        List<String>[] lists = new List[users.size()];
        ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[train.items()]);
        IntStream.range(0, users.size()).parallel().forEach(x -> {
            Integer u = userIndex.get(users.get(x));
            lists[x] = u == null ? List.of() : top(recommender, u, scratch.get());
        });
        Map<String, List<String>> recommended = new HashMap<>();
        double[] precision = new double[users.size()];
        double[] ndcg = new double[users.size()];
        for (int x = 0; x < users.size(); x++) {
            recommended.put(users.get(x), lists[x]);
            RankingMetrics.UserFigures f = RankingMetrics.UserFigures.of(k, lists[x], test.get(users.get(x)));
            precision[x] = f.precision();
            ndcg[x] = f.ndcg();
        }
        Map<String, Long> listeners = new HashMap<>();
        for (int i = 0; i < train.items(); i++) {
            listeners.put(train.itemId(i), (long) train.support(i));
        }
        RankingMetrics metrics = RankingMetrics.compute(k, recommended, test, listeners, train.users(), train.items());
        return new Score(metrics, bootstrap(precision), bootstrap(ndcg));
    }

    /** The best k of u's scores, training items excluded; ties go to the lower item index. */
    private List<String> top(Recommender recommender, int u, float[] scores) {
        recommender.score(u, scores);
        for (int e = train.rowStart(u); e < train.rowStart(u + 1); e++) {
            scores[train.col(e)] = Float.NEGATIVE_INFINITY;
        }
        int[] best = bestK(scores, k);
        List<String> out = new ArrayList<>(best.length);
        for (int i : best) {
            out.add(train.itemId(i));
        }
        return out;
    }

    /**
     * The indices of the k highest scores, best first; scores of negative infinity (excluded items) and NaN never
     * rank; ties go to the lower index. Fewer than k when fewer items are left.
     */
    static int[] bestK(float[] scores, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (s == Float.NEGATIVE_INFINITY || Float.isNaN(s)) {
                continue;
            }
            if (size == k && s <= scores[best[size - 1]]) {
                continue;
            }
            int at = size < k ? size++ : k - 1;
            while (at > 0 && scores[best[at - 1]] < s) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        return java.util.Arrays.copyOf(best, size);
    }

    /** The 2.5th and 97.5th percentiles of the mean over users resampled with replacement (seeded: repeatable). */
    static double[] bootstrap(double[] perUser) {
        if (perUser.length == 0) {
            return new double[] {0, 0};
        }
        Random random = new Random(42);
        double[] means = new double[BOOTSTRAP_SAMPLES];
        for (int b = 0; b < BOOTSTRAP_SAMPLES; b++) {
            double sum = 0;
            for (int x = 0; x < perUser.length; x++) {
                sum += perUser[random.nextInt(perUser.length)];
            }
            means[b] = sum / perUser.length;
        }
        java.util.Arrays.sort(means);
        return new double[] {means[(int) (0.025 * BOOTSTRAP_SAMPLES)], means[(int) (0.975 * BOOTSTRAP_SAMPLES) - 1]};
    }
}
