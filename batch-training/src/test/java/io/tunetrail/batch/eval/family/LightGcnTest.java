package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LightGcnTest {
    @Test
    void theGradientThroughThePropagationMatchesCentralDifferencesOfTheLoss() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:b,c", "u2:a,c,d", "u3:d");
        LightGcn.Model model = new LightGcn.Model(m, 3, 3, new Random(1));
        // u0 twice (its entries add up), an item as positive of one triple and negative of another.
        int[] u = {0, 1, 0, 3};
        int[] i = {m.itemIndex("a"), m.itemIndex("c"), m.itemIndex("b"), m.itemIndex("d")};
        int[] j = {m.itemIndex("c"), m.itemIndex("d"), m.itemIndex("d"), m.itemIndex("a")};
        double reg = 0.3;
        double[] analytic = new double[model.ego.length];
        model.gradient(u, i, j, 4, reg, analytic);
        double h = 1e-6;
        for (int k = 0; k < model.ego.length; k++) {
            double keep = model.ego[k];
            model.ego[k] = keep + h;
            double up = model.loss(u, i, j, 4, reg);
            model.ego[k] = keep - h;
            double down = model.loss(u, i, j, 4, reg);
            model.ego[k] = keep;
            assertThat(analytic[k]).as("parameter %d", k).isCloseTo((up - down) / (2 * h), offset(1e-7));
        }
        // Every node reaches every other within three layers here, so no parameter's gradient is trivially zero.
        for (double g : analytic) {
            assertThat(g).isNotZero();
        }
    }

    @Test
    void learnsThatTwoGroupsOfUsersLikeTheirOwnItems() {
        // Users 0-3 have items a, b, c (each misses one); users 4-7 have d, e, f likewise.
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:b,c", "u2:a,c", "u3:a,b", "u4:d,e", "u5:e,f", "u6:d,f", "u7:d,e");
        Recommender lightgcn = new LightGcn().fit(m,
                Hyperparameters.of("dim", 8, "layers", 2, "learning_rate", 0.05, "reg", 0.0001, "epochs", 100));
        float[] s = TinyMatrix.scores(lightgcn, m, 0);
        float c = s[m.itemIndex("c")];
        for (String other : new String[] {"d", "e", "f"}) {
            assertThat(c).as("u0's missing c above %s", other).isGreaterThan(s[m.itemIndex(other)]);
        }
    }
}
