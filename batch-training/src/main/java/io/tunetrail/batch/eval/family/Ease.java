package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * EASE (Steck 2019): the item–item weights {@code B = I - P · diag(1 / diag(P))} with {@code P = (XᵀX + Λ)⁻¹}, zero
 * diagonal; a user's score of item j is the sum of {@code X[u][i] · B[i][j]} over their items i.
 *
 * <p>{@code X} is the training matrix after {@code weighting}: {@code binary} (1 per pair) or {@code log_scaled}
 * ({@code ln(1 + w)} divided by the user's largest, so that every user's heaviest item weighs 1 as in binary and λ
 * keeps its scale). {@code Λ = λI + p / (1 - p) · diag(XᵀX)} with {@code dropout} p: EDLAE (Steck 2020, "Autoencoders
 * that don't overfit towards the identity"), the closed form of training EASE with each input item dropped with
 * probability p, which regularises a popular item more; p = 0 is EASE. Last, {@code popularity_discount} β divides
 * every score of item j by its number of training users to the power β (column j of B, as RP3β's β does to its
 * walk's end): EASE leans towards popular items more than the held-out interactions do, and β of 0.1-0.2 won
 * validation on Last.fm-2k and the synthetic orgs (the README's evaluation section has the runs). β = 0 leaves the scores as they are.
 *
 * <p>The inverse costs O(n³) time and n² floats of memory in the number of items n, so only items with at least
 * {@code min_support} training users take part (an item few users have is rarely worth a place in anyone's top 10),
 * and at most {@link #MAX_ITEMS} of them, those with the most users: without that bound an org with a long catalog
 * (the nightly choice runs on the driver for orgs of up to 2M preferences) would ask for gigabytes and hours. The
 * others score below every kept item, by popularity.
 */
public final class Ease implements Family {
    /** 8,192² floats: 256 MB for the Gram matrix, inverted in place. */
    public static final int MAX_ITEMS = 8_192;

    /** The score of a left-out item before its support is added: below any kept item's, with a float step of 1. */
    static final float LEFT_OUT = -1e7f;

    private final int maxItems;

    public Ease() {
        this(MAX_ITEMS);
    }

    Ease(int maxItems) {
        this.maxItems = maxItems;
    }

    @Override
    public String name() {
        return "ease";
    }

    @Override
    public Hyperparameters defaults() {
        return Hyperparameters.of("lambda", 500.0, "min_support", 2, "weighting", "binary", "dropout", 0.0,
                "popularity_discount", 0.0);
    }

    @Override
    public Hyperparameters sample(Random random) {
        return Hyperparameters.of("lambda", Hyperparameters.logUniform(random, 10, 3000),
                // Not 1: it won no validation on Last.fm-2k or ml-latest-small (29 trials each) and makes every trial
                // of the nightly choice up to (n1 / n2)³ dearer. A forced min_support:1 stays bounded by MAX_ITEMS.
                "min_support", Hyperparameters.oneOf(random, 2, 3, 5),
                "weighting", Hyperparameters.oneOf(random, "binary", "log_scaled"),
                "dropout", Hyperparameters.oneOf(random, 0.0, 0.1, 0.2, 0.33, 0.5, 0.67, 0.75, 0.8),
                "popularity_discount", Hyperparameters.oneOf(random, 0.0, 0.1, 0.2, 0.3));
    }

    @Override
    public Recommender fit(UserItemMatrix train, Hyperparameters params) {
        double lambda = params.number("lambda");
        int minSupport = params.integer("min_support");
        float[] x = inputs(train, params.word("weighting"));
        double dropout = params.number("dropout");
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("EASE dropout is in [0, 1), not " + dropout);
        }
        double discount = params.number("popularity_discount");
        if (!(discount >= 0 && discount <= 1)) {
            throw new IllegalArgumentException("EASE popularity_discount is in [0, 1], not " + discount);
        }
        int[] original = keptItems(train, minSupport, maxItems);
        int n = original.length;
        int[] kept = new int[train.items()];
        Arrays.fill(kept, -1);
        for (int k = 0; k < n; k++) {
            kept[original[k]] = k;
        }
        float[][] g = new float[n][n];
        int[] mine = new int[train.items()];
        float[] mineX = new float[train.items()];
        for (int u = 0; u < train.users(); u++) {
            int m = 0;
            for (int e = train.rowStart(u); e < train.rowStart(u + 1); e++) {
                int k = kept[train.col(e)];
                if (k >= 0) {
                    mineX[m] = x[e];
                    mine[m++] = k;
                }
            }
            for (int a = 0; a < m; a++) {
                float[] row = g[mine[a]];
                float xa = mineX[a];
                for (int b = 0; b < m; b++) {
                    row[mine[b]] += xa * mineX[b];
                }
            }
        }
        double emphasis = dropout / (1 - dropout);
        for (int i = 0; i < n; i++) {
            g[i][i] += (float) (lambda + emphasis * g[i][i]);
        }
        SymmetricInverse.invertInPlace(g);
        // B[i][j] = -P[i][j] / P[j][j] / support(j)^β: scale column j.
        float[] diag = new float[n];
        for (int j = 0; j < n; j++) {
            diag[j] = (float) (g[j][j] * Math.pow(Math.max(1, train.support(original[j])), discount));
        }
        for (float[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = -row[j] / diag[j];
            }
        }
        for (int j = 0; j < n; j++) {
            g[j][j] = 0;
        }
        return new Weights(train, x, kept, original, n, g);
    }

    /** X's entries, one per training pair (the matrix's entry order), under the named weighting. */
    static float[] inputs(UserItemMatrix train, String weighting) {
        float[] x = new float[train.nnz()];
        switch (weighting) {
            case "binary" -> Arrays.fill(x, 1f);
            case "log_scaled" -> {
                for (int u = 0; u < train.users(); u++) {
                    double max = 0;
                    for (int e = train.rowStart(u); e < train.rowStart(u + 1); e++) {
                        max = Math.max(max, Math.log1p(Math.max(0, train.value(e))));
                    }
                    for (int e = train.rowStart(u); e < train.rowStart(u + 1); e++) {
                        // A user whose weights are all 0 (or less) keeps binary inputs rather than none.
                        x[e] = max == 0 ? 1f : (float) (Math.log1p(Math.max(0, train.value(e))) / max);
                    }
                }
            }
            default -> throw new IllegalArgumentException("EASE weighting is binary or log_scaled, not " + weighting);
        }
        return x;
    }

    /**
     * The items that take part, in index order: those with at least {@code minSupport} users, and of them the
     * {@code maxItems} with the most (on a tie, the lower index, so a refit keeps the same items).
     */
    static int[] keptItems(UserItemMatrix train, int minSupport, int maxItems) {
        int[] eligible = IntStream.range(0, train.items()).filter(i -> train.support(i) >= minSupport).toArray();
        if (eligible.length <= maxItems) {
            return eligible;
        }
        return IntStream.of(eligible).boxed()
                .sorted(Comparator.comparingInt(train::support).reversed().thenComparingInt(i -> i))
                .limit(maxItems).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The fitted weights, over the kept items. */
    record Weights(UserItemMatrix train, float[] x, int[] kept, int[] original, int n, float[][] b) implements Recommender {
        @Override
        public void score(int user, float[] out) {
            // Items left out rank after every kept one; by popularity among themselves. Not -1e9: a float's step there
            // is 64, so supports that close would tie.
            for (int i = 0; i < out.length; i++) {
                out[i] = kept[i] >= 0 ? 0 : LEFT_OUT + train.support(i);
            }
            float[] acc = new float[n];
            for (int e = train.rowStart(user); e < train.rowStart(user + 1); e++) {
                int k = kept[train.col(e)];
                if (k >= 0) {
                    float[] row = b[k];
                    float xe = x[e];
                    for (int j = 0; j < n; j++) {
                        acc[j] += xe * row[j];
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                out[original[j]] = acc[j];
            }
        }
    }
}
