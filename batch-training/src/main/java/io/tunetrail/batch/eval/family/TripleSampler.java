package io.tunetrail.batch.eval.family;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Arrays;
import java.util.Random;

/**
 * The pairwise families' training triples (u, i, j): an entry (u, i) of the matrix drawn uniformly, and an item j that u
 * does not have, drawn uniformly. Shared by {@link Bpr} and {@link LightGcn} so both learn from the same draws.
 */
final class TripleSampler {
    private final UserItemMatrix m;
    private final int[] entryUser;
    private final Random random;

    TripleSampler(UserItemMatrix m, Random random) {
        this.m = m;
        this.random = random;
        this.entryUser = new int[m.nnz()];
        for (int u = 0; u < m.users(); u++) {
            Arrays.fill(entryUser, m.rowStart(u), m.rowStart(u + 1), u);
        }
    }

    /** A uniformly drawn entry of the matrix. */
    int entry() {
        return random.nextInt(m.nnz());
    }

    int user(int entry) {
        return entryUser[entry];
    }

    /** An item u does not have, uniformly; -1 when u has them all. */
    int negative(int u) {
        int from = m.rowStart(u);
        int to = m.rowStart(u + 1);
        if (to - from >= m.items()) {
            return -1;
        }
        while (true) {
            int j = random.nextInt(m.items());
            // Rows are sorted by item: a binary search says whether u has j.
            int lo = from;
            int hi = to - 1;
            boolean has = false;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = m.col(mid);
                if (c == j) {
                    has = true;
                    break;
                }
                if (c < j) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (!has) {
                return j;
            }
        }
    }
}
