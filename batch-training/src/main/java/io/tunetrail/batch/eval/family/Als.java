package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.bench.ConjugateGradientAls;
import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Implicit ALS fitted by {@link ConjugateGradientAls} (confidence {@code 1 + alpha · r}, regularisation scaled by each
 * row's entries), on the training weights after one of the {@code implicit} library's weightings:
 * {@code binary} (r = 1), {@code log} (r = ln(1 + w)), {@code tfidf} ({@code sqrt(w) · idf}) or {@code bm25}
 * ({@code K1 = 100, B = 0.8} over users' rows), with {@code idf = ln(users) - ln(1 + item's users)}.
 */
public final class Als implements Family {
    @Override
    public String name() {
        return "als";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("rank", 64, "lambda", 0.05, "alpha", 10.0, "iterations", 10, "weighting", "log");
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("rank", Hyperparameters.oneOf(random, 32, 64, 128),
                "lambda", Hyperparameters.logUniform(random, 0.005, 0.5),
                "alpha", Hyperparameters.logUniform(random, 1, 100),
                "iterations", Hyperparameters.oneOf(random, 8, 12, 16),
                "weighting", Hyperparameters.oneOf(random, "binary", "log", "tfidf", "bm25"));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        float[] r = weights(train, params.word("weighting"));
        List<String> users = new ArrayList<>(train.nnz());
        List<String> items = new ArrayList<>(train.nnz());
        for (int u = 0; u < train.users(); u++) {
            for (int e = train.rowStart(u); e < train.rowStart(u + 1); e++) {
                users.add(train.userId(u));
                items.add(train.itemId(train.col(e)));
            }
        }
        int rank = params.integer("rank");
        ConjugateGradientAls.Model model = new ConjugateGradientAls(rank, params.integer("iterations"),
                params.number("lambda"), params.number("alpha"), 42, 3).fit(users, items, r);
        // The solver numbers users and items by first appearance; ours by the matrix.
        float[][] x = new float[train.users()][];
        for (int k = 0; k < model.userIds().size(); k++) {
            x[indexOf(train.userIds(), model.userIds().get(k), k)] = model.users()[k];
        }
        float[][] y = new float[train.items()][];
        for (int k = 0; k < model.itemIds().size(); k++) {
            y[train.itemIndex(model.itemIds().get(k))] = model.items()[k];
        }
        return (user, out) -> {
            float[] xu = x[user];
            for (int i = 0; i < out.length; i++) {
                float s = 0;
                for (int f = 0; f < rank; f++) {
                    s += xu[f] * y[i][f];
                }
                out[i] = s;
            }
        };
    }

    private static int indexOf(List<String> ids, String id, int guess) {
        // Entries are fed user by user, so the solver's order is the matrix's; the lookup guards the assumption.
        return guess < ids.size() && ids.get(guess).equals(id) ? guess : ids.indexOf(id);
    }

    /** The entries' preference values r, in the matrix's entry order. */
    static float[] weights(UserItemMatrix m, String weighting) {
        float[] r = new float[m.nnz()];
        double n = m.users();
        switch (weighting) {
            case "binary" -> java.util.Arrays.fill(r, 1);
            case "log" -> {
                for (int e = 0; e < r.length; e++) {
                    r[e] = (float) Math.log1p(m.value(e));
                }
            }
            case "tfidf" -> {
                for (int e = 0; e < r.length; e++) {
                    r[e] = (float) (Math.sqrt(m.value(e)) * idf(n, m.support(m.col(e))));
                }
            }
            case "bm25" -> {
                double k1 = 100;
                double b = 0.8;
                double[] rowSum = new double[m.users()];
                double total = 0;
                for (int u = 0; u < m.users(); u++) {
                    for (int e = m.rowStart(u); e < m.rowStart(u + 1); e++) {
                        rowSum[u] += m.value(e);
                    }
                    total += rowSum[u];
                }
                double average = total / m.users();
                for (int u = 0; u < m.users(); u++) {
                    double norm = (1 - b) + b * rowSum[u] / average;
                    for (int e = m.rowStart(u); e < m.rowStart(u + 1); e++) {
                        double w = m.value(e);
                        r[e] = (float) (w * (k1 + 1) / (k1 * norm + w) * idf(n, m.support(m.col(e))));
                    }
                }
            }
            default -> throw new IllegalArgumentException("ALS weighting is binary, log, tfidf or bm25, not " + weighting);
        }
        return r;
    }

    private static double idf(double users, int itemUsers) {
        return Math.log(users) - Math.log1p(itemUsers);
    }
}
