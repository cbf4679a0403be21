package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Random;

/**
 * BPR matrix factorisation (Rendle et al. 2009): user factors p, item factors q and item biases b learnt by
 * stochastic gradient ascent on {@code ln σ(x_uij) - reg/2 (|p_u|² + |q_i|² + |q_j|² + b_i² + b_j²)} with
 * {@code x_uij = p_u · (q_i - q_j) + b_i - b_j}, i a training item of u and j an item u does not have, drawn uniformly.
 * One epoch draws as many triples as the matrix has entries. Single-threaded and seeded: the same fit every time.
 */
public final class Bpr implements Family {
    @Override
    public String name() {
        return "bpr";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("factors", 64, "learning_rate", 0.05, "reg", 0.002, "epochs", 40);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("factors", Hyperparameters.oneOf(random, 32, 64, 128),
                "learning_rate", Hyperparameters.logUniform(random, 0.01, 0.2),
                "reg", Hyperparameters.logUniform(random, 0.0001, 0.05),
                "epochs", Hyperparameters.oneOf(random, 20, 40, 80));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        int d = params.integer("factors");
        Model model = new Model(train.users(), train.items(), d, new Random(42));
        double lr = params.number("learning_rate");
        double reg = params.number("reg");
        TripleSampler triples = new TripleSampler(train, new Random(7));
        int epochs = params.integer("epochs");
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int s = 0; s < train.nnz(); s++) {
                int e = triples.entry();
                int u = triples.user(e);
                int j = triples.negative(u);
                if (j >= 0) {
                    model.step(u, train.col(e), j, lr, reg);
                }
            }
        }
        return (user, out) -> {
            float[] pu = model.p[user];
            for (int i = 0; i < out.length; i++) {
                float[] qi = model.q[i];
                float s = model.b[i];
                for (int f = 0; f < d; f++) {
                    s += pu[f] * qi[f];
                }
                out[i] = s;
            }
        };
    }

    /** The parameters and one ascent step; package-private so the step's gradient can be checked. */
    static final class Model {
        final float[][] p;
        final float[][] q;
        final float[] b;

        Model(int users, int items, int d, Random random) {
            p = new float[users][d];
            q = new float[items][d];
            b = new float[items];
            for (float[] v : p) {
                for (int f = 0; f < d; f++) {
                    v[f] = (float) (random.nextGaussian() * 0.1);
                }
            }
            for (float[] v : q) {
                for (int f = 0; f < d; f++) {
                    v[f] = (float) (random.nextGaussian() * 0.1);
                }
            }
        }

        /** {@code x_uij}. */
        double x(int u, int i, int j) {
            double x = b[i] - b[j];
            for (int f = 0; f < p[u].length; f++) {
                x += p[u][f] * (q[i][f] - q[j][f]);
            }
            return x;
        }

        /** One step up the gradient of the triple's objective. */
        void step(int u, int i, int j, double lr, double reg) {
            double g = 1 / (1 + Math.exp(x(u, i, j)));
            float[] pu = p[u];
            float[] qi = q[i];
            float[] qj = q[j];
            for (int f = 0; f < pu.length; f++) {
                double puf = pu[f];
                double diff = qi[f] - qj[f];
                pu[f] += (float) (lr * (g * diff - reg * puf));
                qi[f] += (float) (lr * (g * puf - reg * qi[f]));
                qj[f] += (float) (lr * (-g * puf - reg * qj[f]));
            }
            b[i] += (float) (lr * (g - reg * b[i]));
            b[j] += (float) (lr * (-g - reg * b[j]));
        }
    }
}
