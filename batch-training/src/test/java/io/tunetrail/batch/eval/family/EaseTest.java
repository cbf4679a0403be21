package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EaseTest {
    /**
     * X = [[1,1,0,0],[1,1,1,0],[0,1,1,1],[0,0,1,1]], λ = 1. NumPy: {@code P = inv(X.T @ X + I); B = -P / diag(P);
     * fill_diagonal(B, 0); X[0] @ B} = [0.5, 0.5714285714, 0.4285714286, -0.125].
     */
    @Test
    void weightsAreTheClosedFormOnATinyMatrix() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:c,d");
        Recommender ease = new Ease().fit(m, Hyperparameters.of("lambda", 1.0, "min_support", 1));
        float[] s = TinyMatrix.scores(ease, m, 0);
        assertThat(s[0]).isCloseTo(0.5f, offset(1e-5f));
        assertThat(s[1]).isCloseTo(0.5714286f, offset(1e-5f));
        assertThat(s[2]).isCloseTo(0.4285714f, offset(1e-5f));
        assertThat(s[3]).isCloseTo(-0.125f, offset(1e-5f));
    }

    @Test
    void itemsBelowTheSupportRankAfterEveryKeptItem() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:c,e");
        // d and e have one user each: left out at min_support 2.
        float[] s = TinyMatrix.scores(new Ease().fit(m, Hyperparameters.of("lambda", 1.0, "min_support", 2)), m, 0);
        int d = m.itemIndex("d");
        int c = m.itemIndex("c");
        assertThat(s[d]).isLessThan(Ease.LEFT_OUT / 2);
        assertThat(s[c]).isGreaterThan(s[d]);
    }

    @Test
    void beyondTheItemBoundOnlyTheItemsWithTheMostUsersTakePart() {
        // Support: b 4, c 3, a 2, d 2, e 1. A bound of 3 keeps b, c and, of the tied a and d, a (the lower index).
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:b,c,d,e");
        int a = m.itemIndex("a");
        int b = m.itemIndex("b");
        int c = m.itemIndex("c");
        int d = m.itemIndex("d");
        int e = m.itemIndex("e");
        assertThat(Ease.keptItems(m, 1, 3)).containsExactly(a, b, c);
        assertThat(Ease.keptItems(m, 1, 10)).containsExactly(a, b, c, d, e);
        assertThat(Ease.keptItems(m, 3, 10)).containsExactly(b, c);

        float[] s = TinyMatrix.scores(new Ease(3).fit(m, Hyperparameters.of("lambda", 1.0, "min_support", 1)), m, 0);
        assertThat(s[d]).as("d is left out by the bound").isLessThan(Ease.LEFT_OUT / 2);
        assertThat(s[e]).as("left-out items rank by popularity among themselves").isLessThan(s[d]);
        assertThat(s[c]).isGreaterThan(Ease.LEFT_OUT / 2);
        // The same fit as EASE on the three kept items alone.
        UserItemMatrix three = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c", "u3:b,c");
        float[] alone = TinyMatrix.scores(new Ease().fit(three, Hyperparameters.of("lambda", 1.0, "min_support", 1)), three, 0);
        assertThat(s[c]).isCloseTo(alone[three.itemIndex("c")], offset(1e-5f));
    }

    @Test
    void blockInverseOfALargerMatrixIsTheInverse() {
        // n = 150 crosses two block boundaries (64, 128).
        int n = 150;
        Random random = new Random(3);
        double[][] x = new double[200][n];
        for (double[] row : x) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextDouble() < 0.1 ? 1 : 0;
            }
        }
        float[][] a = new float[n][n];
        double[][] original = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double g = 0;
                for (double[] row : x) {
                    g += row[i] * row[j];
                }
                original[i][j] = g + (i == j ? 5 : 0);
                a[i][j] = (float) original[i][j];
            }
        }
        SymmetricInverse.invertInPlace(a);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int t = 0; t < n; t++) {
                    v += original[i][t] * a[t][j];
                }
                assertThat(v).as("(A A⁻¹)[%d][%d]", i, j).isCloseTo(i == j ? 1 : 0, offset(1e-4));
            }
        }
    }
}
