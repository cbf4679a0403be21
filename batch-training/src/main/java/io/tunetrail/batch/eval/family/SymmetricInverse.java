package io.tunetrail.batch.eval.family;

import java.util.stream.IntStream;

/**
 * Inverts a symmetric positive-definite matrix in place by block Gauss–Jordan elimination without pivoting (safe for
 * SPD matrices: every pivot block is a Schur complement, itself SPD). Blocks of {@value #BLOCK} pivots turn the
 * O(n³) work into rank-{@value #BLOCK} row updates that the JIT vectorises and that run on all cores; a plain
 * pivot-by-pivot sweep would stream the whole matrix from memory n times. Used for EASE's {@code (XᵀX + λI)⁻¹}.
 */
final class SymmetricInverse {
    static final int BLOCK = 64;

    private SymmetricInverse() {}

    static void invertInPlace(float[][] a) {
        int n = a.length;
        for (int k0 = 0; k0 < n; k0 += BLOCK) {
            int k1 = Math.min(n, k0 + BLOCK);
            int w = k1 - k0;
            double[][] p = new double[w][w];
            for (int t = 0; t < w; t++) {
                for (int s = 0; s < w; s++) {
                    p[t][s] = a[k0 + t][k0 + s];
                }
            }
            invertSmall(p);
            // The pivot rows times P: the new pivot rows.
            float[][] kr = new float[w][n];
            for (int t = 0; t < w; t++) {
                float[] out = kr[t];
                for (int s = 0; s < w; s++) {
                    float f = (float) p[t][s];
                    float[] row = a[k0 + s];
                    for (int j = 0; j < n; j++) {
                        out[j] += f * row[j];
                    }
                }
            }
            int from = k0;
            IntStream.range(0, n).parallel().filter(i -> i < from || i >= k1).forEach(i -> {
                float[] row = a[i];
                float[] old = new float[w];
                System.arraycopy(row, from, old, 0, w);
                for (int t = 0; t < w; t++) {
                    float f = old[t];
                    if (f != 0) {
                        float[] pr = kr[t];
                        for (int j = 0; j < n; j++) {
                            row[j] -= f * pr[j];
                        }
                    }
                }
                for (int s = 0; s < w; s++) {
                    double v = 0;
                    for (int t = 0; t < w; t++) {
                        v -= old[t] * p[t][s];
                    }
                    row[from + s] = (float) v;
                }
            });
            for (int t = 0; t < w; t++) {
                for (int s = 0; s < w; s++) {
                    kr[t][k0 + s] = (float) p[t][s];
                }
                a[k0 + t] = kr[t];
            }
        }
    }

    /** Gauss–Jordan on a small SPD block, in double. */
    static void invertSmall(double[][] a) {
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double pivot = a[k][k];
            if (!(pivot > 0)) {
                throw new ArithmeticException("matrix is not positive definite (pivot " + pivot + " at " + k + ")");
            }
            double inv = 1 / pivot;
            a[k][k] = 1;
            for (int j = 0; j < n; j++) {
                a[k][j] *= inv;
            }
            for (int i = 0; i < n; i++) {
                if (i != k) {
                    double f = a[i][k];
                    a[i][k] = 0;
                    for (int j = 0; j < n; j++) {
                        a[i][j] -= f * a[k][j];
                    }
                }
            }
        }
    }
}
