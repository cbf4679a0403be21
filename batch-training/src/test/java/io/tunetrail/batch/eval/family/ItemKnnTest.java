package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import org.junit.jupiter.api.Test;

class ItemKnnTest {
    // Items by users: a {u0,u1}, b {u0,u1,u2}, c {u1,u2,u3}, d {u3}.
    private final UserItemMatrix m = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:b,c", "u3:c,d");

    @Test
    void cosineWithShrinkageSummedOverTheUsersItems() {
        // u0 has a, b. c: s_ac = 1 / (sqrt(2·3) + 1), s_bc = 2 / (sqrt(3·3) + 1) = 0.5; d: shares no user with a or b.
        float[] s = TinyMatrix.scores(new ItemKnn().fit(m, Hyperparameters.of("neighbours", 10, "shrink", 1.0)), m, 0);
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) (1 / (Math.sqrt(6) + 1) + 0.5), offset(1e-6f));
        assertThat(s[m.itemIndex("d")]).isZero();
    }

    @Test
    void keepsOnlyTheNearestNeighboursOfEachItem() {
        // With one neighbour per item: a's nearest is b, b's nearest is a (2/sqrt(6) > 2/3): c gets nothing from u0.
        float[] s = TinyMatrix.scores(new ItemKnn().fit(m, Hyperparameters.of("neighbours", 1, "shrink", 0.0)), m, 0);
        assertThat(s[m.itemIndex("c")]).isZero();
        assertThat(s[m.itemIndex("a")]).isCloseTo((float) (2 / Math.sqrt(6)), offset(1e-6f));
    }
}
