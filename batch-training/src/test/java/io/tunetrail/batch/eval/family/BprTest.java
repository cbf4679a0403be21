package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BprTest {
    /** The triple's objective: ln σ(x_uij) - reg/2 (|p_u|² + |q_i|² + |q_j|² + b_i² + b_j²). */
    private static double objective(Bpr.Model m, int u, int i, int j, double reg) {
        double x = m.x(u, i, j);
        double norm = m.b[i] * m.b[i] + m.b[j] * m.b[j];
        for (int f = 0; f < m.p[u].length; f++) {
            norm += m.p[u][f] * m.p[u][f] + m.q[i][f] * m.q[i][f] + m.q[j][f] * m.q[j][f];
        }
        return -Math.log1p(Math.exp(-x)) - reg / 2 * norm;
    }

    @Test
    void aStepMovesEveryParameterByTheLearningRateTimesTheGradient() {
        Bpr.Model m = new Bpr.Model(2, 3, 4, new Random(1));
        m.b[0] = 0.3f;
        m.b[2] = -0.2f;
        double lr = 1e-3;
        double reg = 0.1;
        // Central differences of the objective, parameter by parameter, before the step.
        double h = 1e-3;
        float[][] params = {m.p[1], m.q[0], m.q[2]};
        double[][] gradient = new double[3][4];
        for (int v = 0; v < 3; v++) {
            for (int f = 0; f < 4; f++) {
                float keep = params[v][f];
                params[v][f] = (float) (keep + h);
                double up = objective(m, 1, 0, 2, reg);
                params[v][f] = (float) (keep - h);
                double down = objective(m, 1, 0, 2, reg);
                params[v][f] = keep;
                gradient[v][f] = (up - down) / (2 * h);
            }
        }
        float[][] before = {m.p[1].clone(), m.q[0].clone(), m.q[2].clone()};
        m.step(1, 0, 2, lr, reg);
        for (int v = 0; v < 3; v++) {
            for (int f = 0; f < 4; f++) {
                assertThat((params[v][f] - before[v][f]) / lr).as("parameter %d/%d", v, f)
                        .isCloseTo(gradient[v][f], offset(2e-3));
            }
        }
    }

    @Test
    void learnsThatTwoGroupsOfUsersLikeTheirOwnItems() {
        // Users 0-3 have items a, b, c (each misses one); users 4-7 have d, e, f likewise.
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:b,c", "u2:a,c", "u3:a,b", "u4:d,e", "u5:e,f", "u6:d,f", "u7:d,e");
        Recommender bpr = new Bpr().fit(m, Hyperparameters.of("factors", 8, "learning_rate", 0.1, "reg", 0.001, "epochs", 300));
        float[] s = TinyMatrix.scores(bpr, m, 0);
        float c = s[m.itemIndex("c")];
        for (String other : new String[] {"d", "e", "f"}) {
            assertThat(c).as("u0's missing c above %s", other).isGreaterThan(s[m.itemIndex(other)]);
        }
    }
}
