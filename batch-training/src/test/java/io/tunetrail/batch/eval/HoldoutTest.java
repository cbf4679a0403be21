package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HoldoutTest {
    /** u1 trains on a, b and is tested on c; u2 trains on c and has no test rows; u3 is tested on d, never trained. */
    private static Interactions rows() {
        return new Interactions.Builder().addRow("u1", "a", 1, 0).addRow("u1", "b", 1, 0).addRow("u1", "c", 1, 0)
                .addRow("u2", "c", 1, 0).addRow("u3", "d", 1, 0).build(Map.of());
    }

    private static final boolean[] MASK = {true, true, false, true, false};

    @Test
    void ranksOnlyTrainingItemsTheUserHasNotGotAndScoresOnlyUsersWithTestItems() {
        Holdout holdout = Holdout.of(rows(), MASK, 2);
        // Candidates are the training items a, b, c; u1 has a and b, so only c can be recommended, even though the
        // scores put a and b first.
        Holdout.Score score = holdout.score((user, out) -> {
            out[0] = 3;
            out[1] = 2;
            out[2] = 1;
        });
        RankingMetrics m = score.metrics();
        // u1: [c] against {c}: P 1/2, nDCG 1; u3: no training rows, empty list: 0. u2 has no test rows: not scored.
        assertThat(m.users()).isEqualTo(2);
        assertThat(m.precision()).isCloseTo(0.25, offset(1e-9));
        assertThat(m.ndcg()).isCloseTo(0.5, offset(1e-9));
        assertThat(holdout.testPairs()).isEqualTo(2);
    }

    @Test
    void tiesGoToTheLowerItemIndex() {
        Holdout holdout = Holdout.of(new Interactions.Builder().addRow("u", "a", 1, 0).addRow("v", "b", 1, 0)
                .addRow("v", "c", 1, 0).addRow("u", "c", 1, 0).build(Map.of()), new boolean[] {true, true, true, false}, 1);
        // u may get b or c (both score 0): b is the lower index, so c (u's test item) is missed.
        assertThat(holdout.score((user, out) -> java.util.Arrays.fill(out, 0)).metrics().precision()).isZero();
    }

    @Test
    void bootstrapIntervalHoldsTheMeanAndNarrowsWithMoreUsers() {
        double[] few = new double[20];
        double[] many = new double[2000];
        for (int x = 0; x < many.length; x++) {
            if (x < few.length) {
                few[x] = x % 2;
            }
            many[x] = x % 2;
        }
        double[] a = Holdout.bootstrap(few);
        double[] b = Holdout.bootstrap(many);
        assertThat(a[0]).isLessThan(0.5);
        assertThat(a[1]).isGreaterThan(0.5);
        assertThat(b[1] - b[0]).isLessThan((a[1] - a[0]) / 4);
        double[] constant = Holdout.bootstrap(new double[] {0.25, 0.25, 0.25});
        assertThat(constant[0]).isEqualTo(0.25);
        assertThat(constant[1]).isEqualTo(0.25);
    }
}
