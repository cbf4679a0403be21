package io.tunetrail.batch.eval;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline ranking metrics of one recommender on one holdout, at cut-off k. Pure Java: the ranked lists (listeners × k)
 * and the held-out sets are small enough for the driver.
 *
 * <p>Definitions (averaged over the listeners that have held-out items; a listener without recommendations scores 0):
 * <ul>
 *   <li>precision@k = hits in the top k / k;</li>
 *   <li>recall@k = hits in the top k / held-out items;</li>
 *   <li>NDCG@k = DCG / ideal DCG, with gain 1 for a hit at position i (1-based) discounted by log2(i + 1), the ideal
 *       being min(held-out, k) hits at the top;</li>
 *   <li>MAP@k = mean over listeners of (sum of precision@i at each hit position i) / min(held-out, k);</li>
 *   <li>coverage = distinct tracks recommended to anyone / tracks in the training catalog;</li>
 *   <li>novelty = mean over all recommended slots of -log2(share of training listeners who have the track);</li>
 *   <li>popularity bias = mean over all recommended slots of that share (1 = everyone already has it).</li>
 * </ul>
 *
 * @param users listeners evaluated (those with held-out items)
 */
public record RankingMetrics(int k, double precision, double recall, double ndcg, double map, double coverage,
        double novelty, double popularityBias, int users) {

    /**
     * @param recommended the ranked list of each listener, best first (longer lists are cut at k)
     * @param heldOut each listener's held-out tracks; listeners absent here are not evaluated
     * @param trainListeners per track, how many training listeners have it (tracks absent count 0)
     * @param trainUsers listeners in the training data
     * @param catalogSize tracks in the training data
     */
    public static RankingMetrics compute(int k, Map<String, List<String>> recommended, Map<String, Set<String>> heldOut,
            Map<String, Long> trainListeners, long trainUsers, long catalogSize) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        double p = 0, r = 0, ndcg = 0, map = 0;
        int users = 0;
        for (Map.Entry<String, Set<String>> e : heldOut.entrySet()) {
            Set<String> relevant = e.getValue();
            if (relevant.isEmpty()) {
                continue;
            }
            users++;
            UserFigures f = UserFigures.of(k, recommended.getOrDefault(e.getKey(), List.of()), relevant);
            p += f.precision();
            r += f.recall();
            ndcg += f.ndcg();
            map += f.averagePrecision();
        }
        Set<String> distinct = new HashSet<>();
        double novelty = 0, bias = 0;
        long slots = 0;
        for (List<String> list : recommended.values()) {
            for (String track : cut(list, k)) {
                distinct.add(track);
                double share = Math.max(1, trainListeners.getOrDefault(track, 0L)) / (double) Math.max(1, trainUsers);
                novelty += -log2(share);
                bias += share;
                slots++;
            }
        }
        double n = Math.max(1, users);
        return new RankingMetrics(k, p / n, r / n, ndcg / n, map / n,
                catalogSize == 0 ? 0 : distinct.size() / (double) catalogSize,
                slots == 0 ? 0 : novelty / slots, slots == 0 ? 0 : bias / slots, users);
    }

    /** One listener's figures at k (the definitions above); {@code relevant} must not be empty. */
    public record UserFigures(double precision, double recall, double ndcg, double averagePrecision) {
        public static UserFigures of(int k, List<String> ranked, Set<String> relevant) {
            List<String> list = cut(ranked, k);
            int hits = 0;
            double dcg = 0, precisionSum = 0;
            for (int i = 0; i < list.size(); i++) {
                if (relevant.contains(list.get(i))) {
                    hits++;
                    dcg += 1 / log2(i + 2);
                    precisionSum += hits / (double) (i + 1);
                }
            }
            double idcg = 0;
            for (int i = 0; i < Math.min(relevant.size(), k); i++) {
                idcg += 1 / log2(i + 2);
            }
            return new UserFigures(hits / (double) k, hits / (double) relevant.size(), dcg / idcg,
                    precisionSum / Math.min(relevant.size(), k));
        }
    }

    private static List<String> cut(List<String> list, int k) {
        return list.size() <= k ? list : list.subList(0, k);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The five figures of the eval JSON line ({@code precision, recall, ndcg, map, coverage}), plus the rest. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", round(precision));
        m.put("recall", round(recall));
        m.put("ndcg", round(ndcg));
        m.put("map", round(map));
        m.put("coverage", round(coverage));
        m.put("novelty", round(novelty));
        m.put("popularity_bias", round(popularityBias));
        m.put("users", users);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
