package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.Interactions;
import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Map;

/** Small training matrices written as {@code "user:item,item"} lines; items are numbered by first appearance. */
final class TinyMatrix {
    private TinyMatrix() {}

    static UserItemMatrix of(String... users) {
        return of(Map.of(), users);
    }

    static UserItemMatrix of(Map<String, java.util.List<String>> features, String... users) {
        Interactions.Builder b = new Interactions.Builder();
        for (String line : users) {
            String[] parts = line.split(":");
            for (String item : parts[1].split(",")) {
                b.addRow(parts[0], item, 1, 0);
            }
        }
        return UserItemMatrix.of(b.build(features));
    }

    static float[] scores(Recommender r, UserItemMatrix m, int user) {
        float[] out = new float[m.items()];
        r.score(user, out);
        return out;
    }
}
