package io.tunetrail.batch.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Splits {@link Interactions} rows into training and test parts per user, in plain Java (the evaluation's own split;
 * the nightly chain's Spark split is {@link HoldoutSplit}).
 *
 * <ul>
 *   <li>{@code stratified}, exactly as Microsoft Recommenders' {@code python_stratified_split} with a global seed
 *       draws it, so figures compare with their published tables: {@code numpy.random.seed(seed);
 *       numpy.random.rand(N)} gives one value per row in file order; per user the rows are sorted by that value and
 *       the first {@code round(ratio * n)} (Python's round: halves to even) train, the rest are test.</li>
 *   <li>{@code time}: per user the rows by time (ties in file order), the earliest {@code round(ratio * n)} train.</li>
 * </ul>
 */
public final class RowSplit {
    /** The kinds of split the evaluation offers. */
    public enum Kind {
        STRATIFIED, TIME;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown split '" + s + "'; use stratified or time");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final double ratio;
    private final long seed;

    public RowSplit(Kind kind, double ratio, long seed) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("split ratio must lie strictly between 0 and 1, was " + ratio);
        }
        this.kind = kind;
        this.ratio = ratio;
        this.seed = seed;
    }

    public Kind kind() {
        return kind;
    }

    /** The same kind and ratio with another seed: how the training part is split again for validation. */
    public RowSplit reseeded(long newSeed) {
        return new RowSplit(kind, ratio, newSeed);
    }

    /** {@code true} for each training row. */
    public boolean[] trainMask(Interactions rows) {
        int n = rows.size();
        double[] key = new double[n];
        if (kind == Kind.STRATIFIED) {
            key = new NumpyRandom(seed).rand(n);
        } else {
            for (int r = 0; r < n; r++) {
                key[r] = rows.time(r);
            }
        }
        List<List<Integer>> byUser = new ArrayList<>();
        for (int u = 0; u < rows.users(); u++) {
            byUser.add(new ArrayList<>());
        }
        for (int r = 0; r < n; r++) {
            byUser.get(rows.user(r)).add(r);
        }
        boolean[] train = new boolean[n];
        double[] k = key;
        for (List<Integer> mine : byUser) {
            // List.sort is stable: equal keys (times) keep file order, as pandas' stable sort would.
            mine.sort(Comparator.comparingDouble(r -> k[r]));
            long keep = (long) Math.rint(ratio * mine.size());
            for (int i = 0; i < keep; i++) {
                train[mine.get(i)] = true;
            }
        }
        return train;
    }
}
