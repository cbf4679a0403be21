package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The community tier's content model: each item is its features (genres; for Last.fm its artist's top tags) weighted
 * by inverse document frequency and scaled to unit length; a user's profile is the sum of their training items'
 * vectors; an item scores its cosine with the profile plus {@code pop_weight} times its popularity on a log scale
 * (0 .. 1), which breaks the many ties among items with the same genres.
 */
public final class Content implements Family {
    @Override
    public String name() {
        return "content";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("pop_weight", 0.5);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("pop_weight", Hyperparameters.oneOf(random, 0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        double popWeight = params.number("pop_weight");
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
}
