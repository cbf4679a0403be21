package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EaseTest {
    /** EASE's defaults with the given name/value pairs over them, as every caller outside these tests fits it. */
    private static Hyperparameters params(Object... overrides) {
        java.util.Map<String, Object> merged = new java.util.LinkedHashMap<>(new Ease().defaults().values());
        merged.putAll(Hyperparameters.of(overrides).values());
        return new Hyperparameters(merged);
    }

    /**
     * X = [[1,1,0,0],[1,1,1,0],[0,1,1,1],[0,0,1,1]], λ = 1. NumPy: {@code P = inv(X.T @ X + I); B = -P / diag(P);
     * fill_diagonal(B, 0); X[0] @ B} = [0.5, 0.5714285714, 0.4285714286, -0.125].
     */
    @Test
    void weightsAreTheClosedFormOnATinyMatrix() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:c,d");
        Recommender ease = new Ease().fit(m, params("lambda", 1.0, "min_support", 1));
        float[] s = TinyMatrix.scores(ease, m, 0);
        assertThat(s[0]).isCloseTo(0.5f, offset(1e-5f));
        assertThat(s[1]).isCloseTo(0.5714286f, offset(1e-5f));
        assertThat(s[2]).isCloseTo(0.4285714f, offset(1e-5f));
        assertThat(s[3]).isCloseTo(-0.125f, offset(1e-5f));
    }

    /**
     * X = [[1,1],[1,0],[0,1]], λ = 1: XᵀX + λI = [[3,1],[1,3]], so B[a][b] = 1/3. With dropout 0.5 each diagonal gains
     * 0.5 / 0.5 · 2 more: [[5,1],[1,5]], B[a][b] = 1/5 (EDLAE's heavier penalty on what the item already explains).
     */
    @Test
    void dropoutAddsItsEmphasisToTheDiagonal() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a", "u2:b");
        int b = m.itemIndex("b");
        float[] ease = TinyMatrix.scores(new Ease().fit(m, params("lambda", 1.0, "min_support", 1)), m, 1);
        assertThat(ease[b]).isCloseTo(1 / 3f, offset(1e-5f));
        float[] edlae = TinyMatrix.scores(new Ease().fit(m, params("lambda", 1.0, "min_support", 1,
                "dropout", 0.5)), m, 1);
        assertThat(edlae[b]).isCloseTo(0.2f, offset(1e-5f));
        assertThatThrownBy(() -> new Ease().fit(m, params("lambda", 1.0, "min_support", 1, "dropout", 1.0)))
                .hasMessageContaining("dropout is in [0, 1)");
    }

    /**
     * u0 played a 3 times and b once: ln 4 and ln 2, scaled by the larger to 1 and 0.5; u1 has a once, u2 b once (1
     * each). XᵀX + I = [[3, 0.5], [0.5, 2.25]]: B[a][b] = 0.5 / 3, B[b][a] = 0.5 / 2.25, and u0's scores weigh each
     * row by their own input: a = 0.5 · B[b][a], b = 1 · B[a][b].
     */
    @Test
    void logScaledWeightingWeighsEachPlayByTheUsersHeaviest() {
        UserItemMatrix m = TinyMatrix.of("u0:a,a,a,b", "u1:a", "u2:b");
        Hyperparameters logScaled = params("lambda", 1.0, "min_support", 1, "weighting", "log_scaled");
        float[] s = TinyMatrix.scores(new Ease().fit(m, logScaled), m, 0);
        assertThat(s[m.itemIndex("a")]).isCloseTo((float) (0.5 * 0.5 / 2.25), offset(1e-5f));
        assertThat(s[m.itemIndex("b")]).isCloseTo((float) (0.5 / 3), offset(1e-5f));
        float[] binary = TinyMatrix.scores(new Ease().fit(m, params("lambda", 1.0, "min_support", 1,
                "weighting", "binary")), m, 0);
        assertThat(binary[m.itemIndex("b")]).as("binary ignores the play counts").isCloseTo(1 / 3f, offset(1e-5f));
        assertThatThrownBy(() -> new Ease().fit(m, params("lambda", 1.0, "min_support", 1, "weighting", "tfidf")))
                .hasMessageContaining("binary or log_scaled");
    }

    /**
     * X = [[1,1],[1,0],[0,1],[0,1]], λ = 1: XᵀX + I = [[3,1],[1,4]], so B[a][b] = 1/3 and B[b][a] = 1/4. a has 2 users
     * and b 3: with popularity_discount 0.5 every score of b is divided by √3 and of a by √2.
     */
    @Test
    void popularityDiscountDividesEachItemsScoresByItsSupportToThePower() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a", "u2:b", "u3:b");
        int a = m.itemIndex("a");
        int b = m.itemIndex("b");
        Hyperparameters plain = params("lambda", 1.0, "min_support", 1);
        assertThat(TinyMatrix.scores(new Ease().fit(m, plain), m, 1)[b]).isCloseTo(1 / 3f, offset(1e-5f));
        assertThat(TinyMatrix.scores(new Ease().fit(m, plain), m, 2)[a]).isCloseTo(1 / 4f, offset(1e-5f));
        Hyperparameters discounted = params("lambda", 1.0, "min_support", 1, "popularity_discount", 0.5);
        assertThat(TinyMatrix.scores(new Ease().fit(m, discounted), m, 1)[b])
                .isCloseTo((float) (1 / 3.0 / Math.sqrt(3)), offset(1e-5f));
        assertThat(TinyMatrix.scores(new Ease().fit(m, discounted), m, 2)[a])
                .isCloseTo((float) (1 / 4.0 / Math.sqrt(2)), offset(1e-5f));
        assertThatThrownBy(() -> new Ease().fit(m, params("popularity_discount", -0.1)))
                .hasMessageContaining("popularity_discount is in [0, 1]");
    }

    @Test
    void aForcedValueOfTheWrongKindIsRefusedByName() {
        // As a training request's family_params would give them (BestFamily.parseParams): "weighting:5", "dropout:high".
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a", "u2:b");
        assertThatThrownBy(() -> new Ease().fit(m, params("weighting", 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'weighting' is a word, not 5");
        assertThatThrownBy(() -> new Ease().fit(m, params("dropout", "high")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dropout' is a number, not 'high'");
    }

    @Test
    void itemsBelowTheSupportRankAfterEveryKeptItem() {
        UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c,d", "u3:c,e");
        // d and e have one user each: left out at min_support 2.
        float[] s = TinyMatrix.scores(new Ease().fit(m, params("lambda", 1.0, "min_support", 2)), m, 0);
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

        float[] s = TinyMatrix.scores(new Ease(3).fit(m, params("lambda", 1.0, "min_support", 1)), m, 0);
        assertThat(s[d]).as("d is left out by the bound").isLessThan(Ease.LEFT_OUT / 2);
        assertThat(s[e]).as("left-out items rank by popularity among themselves").isLessThan(s[d]);
        assertThat(s[c]).isGreaterThan(Ease.LEFT_OUT / 2);
        // The same fit as EASE on the three kept items alone.
        UserItemMatrix three = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c", "u3:b,c");
        float[] alone = TinyMatrix.scores(new Ease().fit(three, params("lambda", 1.0, "min_support", 1)), three, 0);
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
