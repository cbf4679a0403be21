package io.tunetrail.batch.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Implicit-feedback ALS solved with the conjugate gradient, single-threaded, in plain Java: the baseline of
 * {@code ./tunetrail bench batch}, written to match Spark's objective so their quality can be compared before their
 * speed.
 *
 * <p>The objective is Spark's: confidence {@code c = 1 + alpha * |r|}, preference {@code p = r > 0 ? 1 : 0}, and the
 * regularisation scaled by each row's number of observed entries ({@code lambda * n_u}, Spark's "ALS-WR" weighting).
 * Each half-step solves {@code (YᵀY + Yᵀ(C_u - I)Y + lambda n_u I) x_u = Yᵀ C_u p_u} for every user with a few CG
 * steps warm-started from the previous x_u (Takács et al. 2011; the approach of the {@code implicit} library), so a
 * step costs O(nnz · rank + users · rank²) instead of a rank³ solve per user.
 */
public final class ConjugateGradientAls {
    private final int rank;
    private final int iterations;
    private final double lambda;
    private final double alpha;
    private final long seed;
    private final int cgSteps;

    public ConjugateGradientAls(int rank, int iterations, double lambda, double alpha, long seed, int cgSteps) {
        this.rank = rank;
        this.iterations = iterations;
        this.lambda = lambda;
        this.alpha = alpha;
        this.seed = seed;
        this.cgSteps = cgSteps;
    }

    /** The learnt factors, by id. */
    public record Model(List<String> userIds, float[][] users, List<String> itemIds, float[][] items) {}

    /** A sparse matrix by rows: for row r, entries {@code start[r] .. start[r+1]} of {@code col} and {@code value}. */
    private record Csr(int[] start, int[] col, float[] value) {}

    /** Fits on parallel arrays of (user, item, preference value r). */
    public Model fit(List<String> users, List<String> items, float[] r) {
        Map<String, Integer> uIndex = new HashMap<>();
        Map<String, Integer> iIndex = new HashMap<>();
        List<String> uIds = new ArrayList<>();
        List<String> iIds = new ArrayList<>();
        int n = r.length;
        int[] u = new int[n];
        int[] i = new int[n];
        for (int k = 0; k < n; k++) {
            u[k] = uIndex.computeIfAbsent(users.get(k), id -> { uIds.add(id); return uIds.size() - 1; });
            i[k] = iIndex.computeIfAbsent(items.get(k), id -> { iIds.add(id); return iIds.size() - 1; });
        }
        Csr byUser = csr(u, i, r, uIds.size());
        Csr byItem = csr(i, u, r, iIds.size());
        Random random = new Random(seed);
        double[][] x = init(uIds.size(), random);
        double[][] y = init(iIds.size(), random);
        for (int it = 0; it < iterations; it++) {
            solve(byUser, x, y);
            solve(byItem, y, x);
        }
        return new Model(uIds, toFloat(x), iIds, toFloat(y));
    }

    /** One half-step: every row of {@code x} given the fixed {@code y}. */
    private void solve(Csr m, double[][] x, double[][] y) {
        double[][] yty = gram(y);
        double[] r = new double[rank];
        double[] p = new double[rank];
        double[] ap = new double[rank];
        for (int row = 0; row < x.length; row++) {
            double[] xu = x[row];
            int from = m.start()[row];
            int to = m.start()[row + 1];
            double reg = lambda * (to - from);
            // r = b - A x, with A = YtY + Yt(C-I)Y + reg I and b = Yt C p
            multiply(yty, xu, r);
            for (int d = 0; d < rank; d++) {
                r[d] = -r[d] - reg * xu[d];
            }
            for (int e = from; e < to; e++) {
                double[] yi = y[m.col()[e]];
                double v = m.value()[e];
                double c = 1 + alpha * Math.abs(v);
                double pref = v > 0 ? 1 : 0;
                double w = c * pref - (c - 1) * dot(yi, xu);
                for (int d = 0; d < rank; d++) {
                    r[d] += w * yi[d];
                }
            }
            System.arraycopy(r, 0, p, 0, rank);
            double rsOld = dot(r, r);
            for (int step = 0; step < cgSteps && rsOld > 1e-20; step++) {
                multiply(yty, p, ap);
                for (int d = 0; d < rank; d++) {
                    ap[d] += reg * p[d];
                }
                for (int e = from; e < to; e++) {
                    double[] yi = y[m.col()[e]];
                    double c = 1 + alpha * Math.abs(m.value()[e]);
                    double w = (c - 1) * dot(yi, p);
                    for (int d = 0; d < rank; d++) {
                        ap[d] += w * yi[d];
                    }
                }
                double a = rsOld / dot(p, ap);
                for (int d = 0; d < rank; d++) {
                    xu[d] += a * p[d];
                    r[d] -= a * ap[d];
                }
                double rsNew = dot(r, r);
                for (int d = 0; d < rank; d++) {
                    p[d] = r[d] + rsNew / rsOld * p[d];
                }
                rsOld = rsNew;
            }
        }
    }

    private double[][] gram(double[][] y) {
        double[][] g = new double[rank][rank];
        for (double[] v : y) {
            for (int a = 0; a < rank; a++) {
                double va = v[a];
                for (int b = a; b < rank; b++) {
                    g[a][b] += va * v[b];
                }
            }
        }
        for (int a = 0; a < rank; a++) {
            for (int b = 0; b < a; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    /** Like Spark: Gaussian entries, each vector scaled to unit length. */
    private double[][] init(int rows, Random random) {
        double[][] m = new double[rows][rank];
        for (double[] v : m) {
            double norm = 0;
            for (int d = 0; d < rank; d++) {
                v[d] = random.nextGaussian();
                norm += v[d] * v[d];
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < rank; d++) {
                v[d] /= norm;
            }
        }
        return m;
    }

    private static Csr csr(int[] rows, int[] cols, float[] values, int nRows) {
        int[] start = new int[nRows + 1];
        for (int row : rows) {
            start[row + 1]++;
        }
        for (int k = 0; k < nRows; k++) {
            start[k + 1] += start[k];
        }
        int[] fill = start.clone();
        int[] col = new int[rows.length];
        float[] val = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            int at = fill[rows[k]]++;
            col[at] = cols[k];
            val[at] = values[k];
        }
        return new Csr(start, col, val);
    }

    private void multiply(double[][] m, double[] v, double[] out) {
        for (int a = 0; a < rank; a++) {
            double s = 0;
            double[] row = m[a];
            for (int b = 0; b < rank; b++) {
                s += row[b] * v[b];
            }
            out[a] = s;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }

    private static float[][] toFloat(double[][] m) {
        float[][] out = new float[m.length][];
        for (int k = 0; k < m.length; k++) {
            out[k] = new float[m[k].length];
            for (int d = 0; d < m[k].length; d++) {
                out[k][d] = (float) m[k][d];
            }
        }
        return out;
    }
}
