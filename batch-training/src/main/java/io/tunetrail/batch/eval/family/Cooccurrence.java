package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Item–item similarity rows built from co-occurrence counts (how many training users have both items), kept sparse:
 * for each item i, the items j it co-occurs with and {@code similarity(i, j, c_ij)}. Rows are computed one item at a
 * time from the item's users, in parallel, so memory is the result only.
 */
final class Cooccurrence {
    /** The similarity of items i and j given their co-occurrence count and each item's own count. */
    interface Similarity {
        float of(int cij, int cii, int cjj);
    }

    /** Sparse rows: {@code neighbours[i]} and the matching {@code weights[i]}. */
    record Rows(int[][] neighbours, float[][] weights) {}

    private Cooccurrence() {}

    /**
     * @param keep per row, only the {@code keep} largest similarities (0: all)
     * @param threshold co-occurrence counts below it count as none
     */
    static Rows rows(UserItemMatrix m, Similarity similarity, int keep, int threshold, boolean includeSelf) {
        int n = m.items();
        int[][] neighbours = new int[n][];
        float[][] weights = new float[n][];
        ThreadLocal<int[]> counts = ThreadLocal.withInitial(() -> new int[n]);
        ThreadLocal<int[]> touched = ThreadLocal.withInitial(() -> new int[n]);
        IntStream.range(0, n).parallel().forEach(i -> {
            int[] c = counts.get();
            int[] seen = touched.get();
            int t = 0;
            for (int e = m.colStart(i); e < m.colStart(i + 1); e++) {
                int u = m.colRow(e);
                for (int f = m.rowStart(u); f < m.rowStart(u + 1); f++) {
                    int j = m.col(f);
                    if (c[j]++ == 0) {
                        seen[t++] = j;
                    }
                }
            }
            int[] idx = new int[t];
            float[] val = new float[t];
            int kept = 0;
            int cii = m.support(i);
            for (int x = 0; x < t; x++) {
                int j = seen[x];
                int cij = c[j];
                c[j] = 0;
                if ((j != i || includeSelf) && cij >= threshold) {
                    float s = similarity.of(cij, cii, m.support(j));
                    if (s != 0) {
                        idx[kept] = j;
                        val[kept++] = s;
                    }
                }
            }
            if (keep > 0 && kept > keep) {
                kept = largest(idx, val, kept, keep);
            }
            neighbours[i] = Arrays.copyOf(idx, kept);
            weights[i] = Arrays.copyOf(val, kept);
        });
        return new Rows(neighbours, weights);
    }

    /** Moves the {@code keep} largest values (with their indices) to the front; returns {@code keep}. */
    private static int largest(int[] idx, float[] val, int size, int keep) {
        Integer[] order = new Integer[size];
        for (int x = 0; x < size; x++) {
            order[x] = x;
        }
        Arrays.sort(order, (a, b) -> val[b] != val[a] ? Float.compare(val[b], val[a]) : Integer.compare(idx[a], idx[b]));
        int[] i2 = new int[keep];
        float[] v2 = new float[keep];
        for (int x = 0; x < keep; x++) {
            i2[x] = idx[order[x]];
            v2[x] = val[order[x]];
        }
        System.arraycopy(i2, 0, idx, 0, keep);
        System.arraycopy(v2, 0, val, 0, keep);
        return keep;
    }

    /** Scores of one user: the sum over their items i of {@code affinity(i) × row i}. */
    static void score(Rows rows, int[] items, float[] affinity, int count, float[] out) {
        Arrays.fill(out, 0);
        for (int x = 0; x < count; x++) {
            int i = items[x];
            float a = affinity[x];
            int[] nb = rows.neighbours()[i];
            float[] w = rows.weights()[i];
            for (int y = 0; y < nb.length; y++) {
                out[nb[y]] += a * w[y];
            }
        }
    }
}
