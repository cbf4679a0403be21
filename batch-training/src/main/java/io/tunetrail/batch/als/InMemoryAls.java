package io.tunetrail.batch.als;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Implicit-feedback ALS on one preference matrix held in memory, solved with the conjugate gradient on a real BLAS
 * ({@code dev.ludovic.netlib}, the one Spark's MLlib calls) and several threads: the solver for an org whose matrix fits
 * in one task (see {@link OrgAls}).
 *
 * <p>The objective is Spark's implicit ALS, so both solvers learn the same model: confidence
 * {@code c = 1 + alpha * |r|}, preference {@code p = r > 0 ? 1 : 0}, and each row regularised by {@code lambda} times
 * its number of positive entries (Spark's {@code numExplicits}). Each half-step solves
 * {@code (YᵀY + Yᵀ(C_u - I)Y + lambda n_u I) x_u = Yᵀ C_u p_u} for every row with {@link #CG_STEPS} conjugate-gradient
 * steps warm-started from the previous x_u (Takács et al. 2011, as the {@code implicit} library does): a step costs
 * O(nnz · rank + rows · rank²) instead of a rank³ Cholesky per row. Rows are independent given the other side, so
 * threads take them in chunks; each thread has its own scratch vectors and the result does not depend on the number
 * of threads.
 */
public final class InMemoryAls {
    /** CG steps per row and half-step: three, warm-started, reach Spark's precision@10 (OrgAlsIT compares them). */
    static final int CG_STEPS = 3;
    /** Rows solved in lockstep by one thread: YᵀY times their vectors is one level-3 BLAS call (see BlockSolver). */
    private static final int BLOCK = 64;

    private final AlsParams params;
    private final int threads;

    /** @param threads worker threads of one fit; 0 for every processor this JVM may use */
    public InMemoryAls(AlsParams params, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        }
        this.params = params;
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** The learnt factors: row {@code n} of a side is {@code factors[n * rank .. (n + 1) * rank)}. */
    public record Model(int rank, List<String> userIds, float[] userFactors, List<String> itemIds, float[] itemFactors) {
        public float[] user(int n) {
            return java.util.Arrays.copyOfRange(userFactors, n * rank, (n + 1) * rank);
        }

        public float[] item(int n) {
            return java.util.Arrays.copyOfRange(itemFactors, n * rank, (n + 1) * rank);
        }
    }

    /** A sparse matrix by rows: row r holds entries {@code start[r] .. start[r+1]} of {@code col} and {@code value}. */
    private record Csr(int[] start, int[] col, float[] value) {
        int rows() {
            return start.length - 1;
        }
    }

    /**
     * Fits on parallel arrays of (user, item, preference r). Like {@link ImplicitAls}, users and items without a single
     * positive preference are left out: their regularisation would be 0 and their equations may be singular.
     */
    public Model fit(List<String> users, List<String> items, float[] r) {
        Map<String, Integer> uIndex = new HashMap<>();
        Map<String, Integer> iIndex = new HashMap<>();
        List<String> uIds = new ArrayList<>();
        List<String> iIds = new ArrayList<>();
        int kept = 0;
        int[] u = new int[r.length];
        int[] i = new int[r.length];
        float[] v = new float[r.length];
        // Ids are numbered by their first positive preference, so only wanted users and items get a number.
        for (int k = 0; k < r.length; k++) {
            if (r[k] > 0) {
                uIndex.computeIfAbsent(users.get(k), id -> { uIds.add(id); return uIds.size() - 1; });
                iIndex.computeIfAbsent(items.get(k), id -> { iIds.add(id); return iIds.size() - 1; });
            }
        }
        for (int k = 0; k < r.length; k++) {
            Integer uu = uIndex.get(users.get(k));
            Integer ii = iIndex.get(items.get(k));
            if (uu != null && ii != null) {
                u[kept] = uu;
                i[kept] = ii;
                v[kept] = r[k];
                kept++;
            }
        }
        Csr byUser = csr(u, i, v, kept, uIds.size());
        Csr byItem = csr(i, u, v, kept, iIds.size());
        int rank = params.rank();
        Random random = new Random(params.seed());
        double[] x = init(uIds.size(), rank, random);
        double[] y = init(iIds.size(), rank, random);
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            for (int it = 0; it < params.iterations(); it++) {
                halfStep(byUser, x, y, pool);
                halfStep(byItem, y, x, pool);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new Model(rank, uIds, toFloat(x), iIds, toFloat(y));
    }

    /** Every row of {@code x} given the fixed {@code y}. */
    private void halfStep(Csr m, double[] x, double[] y, ExecutorService pool) {
        int rank = params.rank();
        double[] gram = new double[rank * rank];
        // YᵀY (upper triangle) of y seen as a column-major rank × rows matrix: its column n is row n's factors.
        BLAS.getInstance().dsyrk("U", "N", rank, y.length / rank, 1.0, y, 0, rank, 0.0, gram, 0, rank);
        // Blocks start at multiples of BLOCK whatever the number of threads, so the model does not depend on it.
        // The sparse part reads a float copy of y: those reads are scattered, and half the bytes is most of their cost.
        float[] yFloat = toFloat(y);
        if (pool == null) {
            BlockSolver solver = new BlockSolver(m, x, yFloat, gram);
            for (int from = 0; from < m.rows(); from += BLOCK) {
                solver.solve(from, Math.min(m.rows(), from + BLOCK));
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                BlockSolver solver = new BlockSolver(m, x, yFloat, gram);
                for (int from = next.getAndAdd(BLOCK); from < m.rows(); from = next.getAndAdd(BLOCK)) {
                    solver.solve(from, Math.min(m.rows(), from + BLOCK));
                }
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("ALS fit interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("ALS fit failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /**
     * One thread's CG over blocks of up to {@link #BLOCK} consecutive rows, with its own scratch (threads never share
     * it). The rows of a block take their CG steps in lockstep, so the dense part of every step, YᵀY times each row's
     * vector, is one matrix-matrix product (BLAS {@code dsymm}: YᵀY times the block's vectors side by side, which is
     * how a block of {@code x} and the scratch below are laid out) instead of one matrix-vector product per row; that
     * product is most of a step's arithmetic (rank² per row against rank per preference) and level-3 BLAS runs it
     * several times faster. The sparse part, Yᵀ(C_u - I)Y times the vector, stays per row in plain loops: a BLAS call on
     * a rank-long vector costs more in argument checks than in arithmetic, and HotSpot vectorises these loops itself.
     */
    private final class BlockSolver {
        private final BLAS blas = BLAS.getInstance();
        private final Csr m;
        private final double[] x;
        private final float[] y;
        private final double[] gram;
        private final int rank = params.rank();
        // Column j (offset j * rank) belongs to the block's row j.
        private final double[] r = new double[rank * BLOCK];
        private final double[] p = new double[rank * BLOCK];
        private final double[] ap = new double[rank * BLOCK];
        private final double[] reg = new double[BLOCK];
        private final double[] rsOld = new double[BLOCK];

        BlockSolver(Csr m, double[] x, float[] y, double[] gram) {
            this.m = m;
            this.x = x;
            this.y = y;
            this.gram = gram;
        }

        void solve(int fromRow, int toRow) {
            int n = toRow - fromRow;
            double alpha = params.alpha();
            int[] start = m.start();
            int[] col = m.col();
            float[] value = m.value();
            // r = b - A x, with A = YᵀY + Yᵀ(C - I)Y + reg I and b = Yᵀ C p
            blas.dsymm("L", "U", rank, n, -1.0, gram, 0, rank, x, fromRow * rank, rank, 0.0, r, 0, rank);
            for (int j = 0; j < n; j++) {
                int row = fromRow + j;
                int xo = row * rank;
                int ro = j * rank;
                int positives = 0;
                for (int e = start[row]; e < start[row + 1]; e++) {
                    positives += value[e] > 0 ? 1 : 0;
                }
                reg[j] = params.regularization() * positives;
                addScaled(-reg[j], x, xo, r, ro);
                for (int e = start[row]; e < start[row + 1]; e++) {
                    int yo = col[e] * rank;
                    double v = value[e];
                    double c = 1 + alpha * Math.abs(v);
                    addScaled((v > 0 ? c : 0) - (c - 1) * dot(y, yo, x, xo), y, yo, r, ro);
                }
                rsOld[j] = dot(r, ro, r, ro);
            }
            System.arraycopy(r, 0, p, 0, n * rank);
            for (int step = 0; step < CG_STEPS; step++) {
                blas.dsymm("L", "U", rank, n, 1.0, gram, 0, rank, p, 0, rank, 0.0, ap, 0, rank);
                for (int j = 0; j < n; j++) {
                    // A row whose residual vanished stops, as it would on its own (its column is still multiplied).
                    if (!(rsOld[j] > 1e-20)) {
                        rsOld[j] = 0;
                        continue;
                    }
                    int row = fromRow + j;
                    int xo = row * rank;
                    int o = j * rank;
                    addScaled(reg[j], p, o, ap, o);
                    for (int e = start[row]; e < start[row + 1]; e++) {
                        int yo = col[e] * rank;
                        double c = 1 + alpha * Math.abs(value[e]);
                        addScaled((c - 1) * dot(y, yo, p, o), y, yo, ap, o);
                    }
                    double a = rsOld[j] / dot(p, o, ap, o);
                    addScaled(a, p, o, x, xo);
                    addScaled(-a, ap, o, r, o);
                    double rsNew = dot(r, o, r, o);
                    double beta = rsNew / rsOld[j];
                    for (int d = 0; d < rank; d++) {
                        p[o + d] = r[o + d] + beta * p[o + d];
                    }
                    rsOld[j] = rsNew;
                }
            }
        }

        /** out[oo ..] += w * v[vo ..], rank entries; v is the fixed side's float copy or one of the block's vectors. */
        private void addScaled(double w, float[] v, int vo, double[] out, int oo) {
            for (int d = 0; d < rank; d++) {
                out[oo + d] += w * v[vo + d];
            }
        }

        private void addScaled(double w, double[] v, int vo, double[] out, int oo) {
            for (int d = 0; d < rank; d++) {
                out[oo + d] += w * v[vo + d];
            }
        }

        /**
         * A row of the fixed side times a vector, the step's hot dot product (one per preference), with four partial
         * sums: HotSpot does not reorder a floating-point sum itself, and one chain stalls on each add.
         */
        private double dot(float[] a, int ao, double[] b, int bo) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int d = 0;
            for (; d + 3 < rank; d += 4) {
                s0 += a[ao + d] * b[bo + d];
                s1 += a[ao + d + 1] * b[bo + d + 1];
                s2 += a[ao + d + 2] * b[bo + d + 2];
                s3 += a[ao + d + 3] * b[bo + d + 3];
            }
            for (; d < rank; d++) {
                s0 += a[ao + d] * b[bo + d];
            }
            return (s0 + s1) + (s2 + s3);
        }

        /** Two of the block's vectors (a few per row and step, so no partial sums). */
        private double dot(double[] a, int ao, double[] b, int bo) {
            double s = 0;
            for (int d = 0; d < rank; d++) {
                s += a[ao + d] * b[bo + d];
            }
            return s;
        }
    }

    /** Like Spark: Gaussian entries, each vector scaled to unit length. */
    private static double[] init(int rows, int rank, Random random) {
        double[] m = new double[rows * rank];
        for (int row = 0; row < rows; row++) {
            double norm = 0;
            for (int d = 0; d < rank; d++) {
                double g = random.nextGaussian();
                m[row * rank + d] = g;
                norm += g * g;
            }
            norm = Math.sqrt(norm);
            for (int d = 0; d < rank; d++) {
                m[row * rank + d] /= norm;
            }
        }
        return m;
    }

    private static Csr csr(int[] rows, int[] cols, float[] values, int n, int nRows) {
        int[] start = new int[nRows + 1];
        for (int k = 0; k < n; k++) {
            start[rows[k] + 1]++;
        }
        for (int k = 0; k < nRows; k++) {
            start[k + 1] += start[k];
        }
        int[] fill = start.clone();
        int[] col = new int[n];
        float[] val = new float[n];
        for (int k = 0; k < n; k++) {
            int at = fill[rows[k]]++;
            col[at] = cols[k];
            val[at] = values[k];
        }
        return new Csr(start, col, val);
    }

    private static float[] toFloat(double[] m) {
        float[] out = new float[m.length];
        for (int k = 0; k < m.length; k++) {
            out[k] = (float) m[k];
        }
        return out;
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "in-memory-als-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
