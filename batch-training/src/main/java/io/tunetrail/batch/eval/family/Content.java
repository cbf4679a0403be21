package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The community tier's content model: each item is its features (genres; for Last.fm its artist's top tags). Two ways
 * to score an item against what a user played in training, chosen by the hyperparameter {@code profile}:
 * <ul>
 *   <li>{@code cosine}: items are their features weighted by inverse document frequency and scaled to unit length; the
 *       user's profile is the sum of their items' vectors; an item scores its cosine with the profile.</li>
 *   <li>{@code affinity}: how much more often than the catalog at large the user's items carry each feature, as a
 *       smoothed log-lift {@code log((c + alpha p) / ((n + alpha) p))} (c of the user's n items carry it, p of all items
 *       do); an item scores the sum of its features' lifts divided by {@code |features|^beta}. Unlike the cosine, a
 *       feature the user never played counts against an item, and a rare feature the user keeps coming back to
 *       outweighs a common one: on Last.fm's many tags per artist that is what places a listener's niche.</li>
 * </ul>
 * Either way {@code pop_weight} times the item's popularity on a log scale (0 .. 1) is added, which breaks the many ties
 * among items with the same features.
 */
public final class Content implements Family {
    @Override
    public String name() {
        return "content";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("profile", "cosine", "pop_weight", 0.5, "alpha", 2.0, "beta", 1.0);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("profile", Hyperparameters.oneOf(random, "cosine", "affinity"),
                "pop_weight", Hyperparameters.oneOf(random, 0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0),
                "alpha", Hyperparameters.oneOf(random, 0.5, 1.0, 2.0, 5.0, 10.0),
                "beta", Hyperparameters.oneOf(random, 0.0, 0.5, 1.0));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        double popWeight = params.number("pop_weight");
        String scoring = params.word("profile");
        if (!scoring.equals("cosine") && !scoring.equals("affinity")) {
            throw new IllegalArgumentException("content profile must be cosine or affinity, not '" + scoring + "'");
        }
        double alpha = params.number("alpha");
        double beta = params.number("beta");
        if (!(alpha > 0) || !(beta >= 0)) {
            throw new IllegalArgumentException("content needs alpha > 0 and beta >= 0; given alpha " + alpha + ", beta " + beta);
        }
        int n = train.items();
        Map<String, Integer> featureIndex = new HashMap<>();
        int[][] features = new int[n][];
        for (int i = 0; i < n; i++) {
            List<String> names = train.features(i);
            features[i] = names.stream().distinct().mapToInt(f -> featureIndex.computeIfAbsent(f, x -> featureIndex.size()))
                    .toArray();
        }
        int[] df = new int[featureIndex.size()];
        for (int[] f : features) {
            for (int x : f) {
                df[x]++;
            }
        }
        float[][] weights = new float[n][];
        for (int i = 0; i < n; i++) {
            weights[i] = new float[features[i].length];
            double norm = 0;
            for (int x = 0; x < features[i].length; x++) {
                double w = Math.log((double) n / df[features[i][x]]);
                weights[i][x] = (float) w;
                norm += w * w;
            }
            for (int x = 0; x < features[i].length; x++) {
                weights[i][x] = norm == 0 ? 0 : (float) (weights[i][x] / Math.sqrt(norm));
            }
        }
        double maxLog = 0;
        float[] popularity = new float[n];
        for (int i = 0; i < n; i++) {
            maxLog = Math.max(maxLog, Math.log1p(train.support(i)));
        }
        for (int i = 0; i < n; i++) {
            popularity[i] = maxLog == 0 ? 0 : (float) (Math.log1p(train.support(i)) / maxLog);
        }
        int dims = featureIndex.size();
        if (scoring.equals("affinity")) {
            return affinity(train, features, df, popularity, popWeight, alpha, beta);
        }
        return (user, out) -> {
            float[] profile = new float[dims];
            for (int e = train.rowStart(user); e < train.rowStart(user + 1); e++) {
                int i = train.col(e);
                for (int x = 0; x < features[i].length; x++) {
                    profile[features[i][x]] += weights[i][x];
                }
            }
            double norm = 0;
            for (float v : profile) {
                norm += v * v;
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < n; i++) {
                float s = 0;
                for (int x = 0; x < features[i].length; x++) {
                    s += profile[features[i][x]] * weights[i][x];
                }
                out[i] = s * scale + (float) popWeight * popularity[i];
            }
        };
    }

    private static Recommender affinity(UserItemMatrix train, int[][] features, int[] df, float[] popularity,
            double popWeight, double alpha, double beta) {
        int n = train.items();
        float[] lengthScale = new float[n];
        for (int i = 0; i < n; i++) {
            lengthScale[i] = features[i].length == 0 ? 0 : (float) Math.pow(features[i].length, -beta);
        }
        return (user, out) -> {
            int played = train.rowStart(user + 1) - train.rowStart(user);
            // A feature none of the user's items carry has the same lift whatever its base rate: log(alpha / (n + alpha)).
            double untouched = Math.log(alpha / (played + alpha));
            int[] counts = new int[df.length];
            for (int e = train.rowStart(user); e < train.rowStart(user + 1); e++) {
                for (int x : features[train.col(e)]) {
                    counts[x]++;
                }
            }
            float[] lift = new float[df.length];
            for (int x = 0; x < df.length; x++) {
                double p = (double) df[x] / n;
                lift[x] = counts[x] == 0 ? (float) untouched : (float) Math.log((counts[x] + alpha * p) / ((played + alpha) * p));
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int x : features[i]) {
                    s += lift[x];
                }
                out[i] = (float) (s * lengthScale[i] + popWeight * popularity[i]);
            }
        };
    }
}
