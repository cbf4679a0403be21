package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.Interactions;
import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SarTest {
    // Items by users: a {u0,u1}, b {u0,u1,u2}, c {u1,u2,u3}, d {u3}. Counts: c_aa 2, c_bb 3, c_cc 3, c_ab 2, c_bc 2, c_ac 1.
    private final UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c", "u3:c,d");

    private float[] u0(String similarity, int threshold) {
        return TinyMatrix.scores(new Sar().fit(m, Hyperparameters.of("similarity", similarity, "half_life_days", 0.0,
                "threshold", threshold, "weight", "binary")), m, 0);
    }

    @Test
    void jaccardLiftAndCountsByHand() {
        // u0 has a and b. c: jaccard 1/(2+3-1) + 2/(3+3-2) = 0.75; lift 1/6 + 2/9; count 1 + 2.
        assertThat(u0("jaccard", 1)[m.itemIndex("c")]).isCloseTo(0.75f, offset(1e-6f));
        assertThat(u0("lift", 1)[m.itemIndex("c")]).isCloseTo(1 / 6f + 2 / 9f, offset(1e-6f));
        assertThat(u0("cooccurrence", 1)[m.itemIndex("c")]).isCloseTo(3f, offset(1e-6f));
        // threshold 2 drops the pair (a, c), seen together once.
        assertThat(u0("cooccurrence", 2)[m.itemIndex("c")]).isCloseTo(2f, offset(1e-6f));
    }

    @Test
    void olderItemsWeighHalfPerHalfLife() {
        // v has x (newest, t = 10 days) and y (t = 0): with a 10-day half-life y's affinity is 1/2.
        // z is similar only to x, w only to y (count similarity), so z scores 1 and w 1/2.
        long day = 86_400;
        Interactions rows = new Interactions.Builder().addRow("v", "x", 1, 10 * day).addRow("v", "y", 1, 0)
                .addRow("p", "x", 1, 0).addRow("p", "z", 1, 0).addRow("q", "y", 1, 0).addRow("q", "w", 1, 0)
                .build(Map.of());
        UserItemMatrix tm = UserItemMatrix.of(rows);
        float[] s = TinyMatrix.scores(new Sar().fit(tm, Hyperparameters.of("similarity", "cooccurrence",
                "half_life_days", 10.0, "threshold", 1, "weight", "binary")), tm, 0);
        assertThat(s[tm.itemIndex("z")]).isCloseTo(1f, offset(1e-6f));
        assertThat(s[tm.itemIndex("w")]).isCloseTo(0.5f, offset(1e-6f));
    }
}
