package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * LightGCN (He et al. 2020): ego embeddings E⁰ of users and items, propagated over the user-item graph normalised as
 * {@code D^-1/2 A D^-1/2} (A the binary bipartite adjacency, D its degrees) for {@code layers} layers with no weights
 * and no non-linearity; a node's final embedding is the mean of its layers 0..K and a score the dot product of the
 * user's and the item's. Learnt with Adam on the BPR loss {@code mean over a batch of softplus(-(ŷ_ui - ŷ_uj)) +
 * reg/2 (|E⁰_u|² + |E⁰_i|² + |E⁰_j|²)}, triples drawn as {@link Bpr}'s ({@link TripleSampler}); one epoch draws as
 * many triples as the matrix has entries, in batches of {@value #BATCH}. Because the normalised adjacency is symmetric,
 * the loss's gradient with respect to E⁰ is the same layer mean applied to its gradient with respect to the final
 * embeddings. Seeded: the same fit every time.
 */
public final class LightGcn implements Family {
    /** Triples per Adam step: a propagation forward and back per batch is the cost, so batches are large. */
    static final int BATCH = 2048;

    @Override
    public String name() {
        return "lightgcn";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("dim", 64, "layers", 2, "learning_rate", 0.01, "reg", 0.0001, "epochs", 40);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("dim", Hyperparameters.oneOf(random, 32, 64, 128),
                "layers", Hyperparameters.oneOf(random, 2, 3),
                "learning_rate", Hyperparameters.logUniform(random, 0.002, 0.05),
                "reg", Hyperparameters.logUniform(random, 0.00001, 0.01),
                "epochs", Hyperparameters.oneOf(random, 20, 40, 80));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        Model model = new Model(train, params.integer("dim"), params.integer("layers"), new Random(42));
        Adam adam = new Adam(model.ego.length, params.number("learning_rate"));
        double reg = params.number("reg");
        TripleSampler sampler = new TripleSampler(train, new Random(7));
        int[] u = new int[BATCH];
        int[] i = new int[BATCH];
        int[] j = new int[BATCH];
        double[] gradient = new double[model.ego.length];
        long drawn = 0;
        long total = (long) params.integer("epochs") * train.nnz();
        while (drawn < total) {
            int n = 0;
            while (n < BATCH && drawn < total) {
                drawn++;
                int e = sampler.entry();
                int user = sampler.user(e);
                int negative = sampler.negative(user);
                if (negative >= 0) {
                    u[n] = user;
                    i[n] = train.col(e);
                    j[n] = negative;
                    n++;
                }
            }
            if (n == 0) {
                break;
            }
            model.gradient(u, i, j, n, reg, gradient);
            adam.step(model.ego, gradient);
        }
        double[] out = model.layerMean(model.ego);
        int d = model.d;
        int users = train.users();
        return (user, scores) -> {
            int pu = user * d;
            for (int item = 0; item < scores.length; item++) {
                int qi = (users + item) * d;
                double s = 0;
                for (int f = 0; f < d; f++) {
                    s += out[pu + f] * out[qi + f];
                }
                scores[item] = (float) s;
            }
        };
    }

    /**
     * The ego embeddings (users first, then items, {@code d} numbers each, in one array) and the graph; package-private
     * so the loss's gradient can be checked by finite differences.
     */
    static final class Model {
        final int users;
        final int items;
        final int d;
        final int layers;
        final double[] ego;
        private final UserItemMatrix m;
        /** {@code 1/sqrt(deg u · deg i)} of each entry, by rows and by columns of the matrix. */
        private final double[] rowWeight;
        private final double[] colWeight;

        Model(UserItemMatrix m, int d, int layers, Random random) {
            this.m = m;
            this.users = m.users();
            this.items = m.items();
            this.d = d;
            this.layers = layers;
            this.ego = new double[(users + items) * d];
            for (int k = 0; k < ego.length; k++) {
                ego[k] = random.nextGaussian() * 0.1;
            }
            rowWeight = new double[m.nnz()];
            colWeight = new double[m.nnz()];
            for (int u = 0; u < users; u++) {
                for (int e = m.rowStart(u); e < m.rowStart(u + 1); e++) {
                    rowWeight[e] = 1 / Math.sqrt((double) degree(u) * m.support(m.col(e)));
                }
            }
            for (int i = 0; i < items; i++) {
                for (int e = m.colStart(i); e < m.colStart(i + 1); e++) {
                    colWeight[e] = 1 / Math.sqrt((double) degree(m.colRow(e)) * m.support(i));
                }
            }
        }

        private int degree(int u) {
            return m.rowStart(u + 1) - m.rowStart(u);
        }

        /** {@code (1/(K+1)) Σ_k Â^k x}: the final embeddings of ego embeddings x, or E⁰'s gradient of theirs. */
        double[] layerMean(double[] x) {
            double[] mean = x.clone();
            double[] current = x;
            double[] next = new double[x.length];
            for (int layer = 0; layer < layers; layer++) {
                propagate(current, next);
                for (int k = 0; k < mean.length; k++) {
                    mean[k] += next[k];
                }
                double[] spent = current == x ? new double[x.length] : current;
                current = next;
                next = spent;
            }
            double scale = 1.0 / (layers + 1);
            for (int k = 0; k < mean.length; k++) {
                mean[k] *= scale;
            }
            return mean;
        }

        /** {@code to = Â from}; each node's row is independent, so users and items are spread over the cores. */
        private void propagate(double[] from, double[] to) {
            IntStream.range(0, users + items).parallel().forEach(node -> {
                int at = node * d;
                java.util.Arrays.fill(to, at, at + d, 0);
                if (node < users) {
                    for (int e = m.rowStart(node); e < m.rowStart(node + 1); e++) {
                        axpy(rowWeight[e], from, (users + m.col(e)) * d, to, at);
                    }
                } else {
                    int item = node - users;
                    for (int e = m.colStart(item); e < m.colStart(item + 1); e++) {
                        axpy(colWeight[e], from, m.colRow(e) * d, to, at);
                    }
                }
            });
        }

        private void axpy(double a, double[] x, int xAt, double[] y, int yAt) {
            for (int f = 0; f < d; f++) {
                y[yAt + f] += a * x[xAt + f];
            }
        }

        private double dot(double[] x, int a, int b) {
            double s = 0;
            for (int f = 0; f < d; f++) {
                s += x[a + f] * x[b + f];
            }
            return s;
        }

        /** The batch's loss (see the class comment) at the current ego embeddings. */
        double loss(int[] u, int[] i, int[] j, int n, double reg) {
            double[] out = layerMean(ego);
            double loss = 0;
            for (int t = 0; t < n; t++) {
                int pu = u[t] * d;
                double x = dot(out, pu, (users + i[t]) * d) - dot(out, pu, (users + j[t]) * d);
                // softplus(-x) = ln(1 + e^-x), written so that neither branch overflows.
                loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
                loss += reg / 2 * (dot(ego, pu, pu) + dot(ego, (users + i[t]) * d, (users + i[t]) * d)
                        + dot(ego, (users + j[t]) * d, (users + j[t]) * d));
            }
            return loss / n;
        }

        /** Writes the batch loss's gradient with respect to the ego embeddings into {@code into}. */
        void gradient(int[] u, int[] i, int[] j, int n, double reg, double[] into) {
            double[] out = layerMean(ego);
            double[] outGradient = new double[ego.length];
            double perTriple = 1.0 / n;
            for (int t = 0; t < n; t++) {
                int pu = u[t] * d;
                int qi = (users + i[t]) * d;
                int qj = (users + j[t]) * d;
                double x = dot(out, pu, qi) - dot(out, pu, qj);
                // d softplus(-x) / dx = -σ(-x)
                double g = -perTriple / (1 + Math.exp(x));
                for (int f = 0; f < d; f++) {
                    outGradient[pu + f] += g * (out[qi + f] - out[qj + f]);
                    outGradient[qi + f] += g * out[pu + f];
                    outGradient[qj + f] -= g * out[pu + f];
                }
            }
            double[] egoGradient = layerMean(outGradient);
            System.arraycopy(egoGradient, 0, into, 0, into.length);
            double r = reg * perTriple;
            for (int t = 0; t < n; t++) {
                for (int at : new int[] {u[t] * d, (users + i[t]) * d, (users + j[t]) * d}) {
                    axpy(r, ego, at, into, at);
                }
            }
        }
    }

    /** Adam (Kingma & Ba 2015) with the usual β₁ 0.9, β₂ 0.999 and ε 1e-8, over one array of parameters. */
    private static final class Adam {
        private final double lr;
        private final double[] first;
        private final double[] second;
        private int steps;

        Adam(int size, double lr) {
            this.lr = lr;
            this.first = new double[size];
            this.second = new double[size];
        }

        void step(double[] params, double[] gradient) {
            steps++;
            double c1 = 1 - Math.pow(0.9, steps);
            double c2 = 1 - Math.pow(0.999, steps);
            for (int k = 0; k < params.length; k++) {
                double g = gradient[k];
                first[k] = 0.9 * first[k] + 0.1 * g;
                second[k] = 0.999 * second[k] + 0.001 * g * g;
                params[k] -= lr * (first[k] / c1) / (Math.sqrt(second[k] / c2) + 1e-8);
            }
        }
    }
}
