package io.tunetrail.batch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Metrics of tiny ranked lists, computed by hand in the comments. */
class RankingMetricsTest {
    private static final double E = 1e-9;

    @Test
    void oneListenerByHand() {
        // k = 3, list [a, b, c], held out {a, c, d}: hits at positions 1 and 3.
        RankingMetrics m = RankingMetrics.compute(3, Map.of("u", List.of("a", "b", "c", "x")),
                Map.of("u", Set.of("a", "c", "d")), Map.of("a", 4L, "b", 2L, "c", 1L), 4, 10);
        assertThat(m.precision()).isCloseTo(2 / 3.0, offset(E));
        assertThat(m.recall()).isCloseTo(2 / 3.0, offset(E));
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG (3 relevant, k 3) = 1 + 1/log2(3) + 1/2 = 2.130930
        assertThat(m.ndcg()).isCloseTo(1.5 / (1 + 1 / (Math.log(3) / Math.log(2)) + 0.5), offset(E));
        // AP = (P@1 + P@3) / min(3, 3) = (1 + 2/3) / 3 = 0.555556
        assertThat(m.map()).isCloseTo((1 + 2 / 3.0) / 3, offset(E));
        // 3 distinct recommended (x is beyond k) of 10 tracks
        assertThat(m.coverage()).isCloseTo(0.3, offset(E));
        // shares 4/4, 2/4, 1/4: novelty = (0 + 1 + 2) / 3, bias = (1 + 0.5 + 0.25) / 3
        assertThat(m.novelty()).isCloseTo(1.0, offset(E));
        assertThat(m.popularityBias()).isCloseTo(1.75 / 3, offset(E));
        assertThat(m.users()).isEqualTo(1);
    }

    @Test
    void averagesOverListenersAndCountsMissingListsAsMisses() {
        // u1: [a, b] vs {b}: P 1/2, R 1, NDCG (1/log2 3)/1 = 0.630930, AP (1/2)/1
        // u2: no list, {a}: all 0.   Means: P 1/4, R 1/2, NDCG 0.315465, MAP 1/4
        RankingMetrics m = RankingMetrics.compute(2, Map.of("u1", List.of("a", "b")),
                Map.of("u1", Set.of("b"), "u2", Set.of("a")), Map.of(), 2, 2);
        assertThat(m.users()).isEqualTo(2);
        assertThat(m.precision()).isCloseTo(0.25, offset(E));
        assertThat(m.recall()).isCloseTo(0.5, offset(E));
        assertThat(m.ndcg()).isCloseTo(0.5 * Math.log(2) / Math.log(3), offset(E));
        assertThat(m.map()).isCloseTo(0.25, offset(E));
        assertThat(m.coverage()).isCloseTo(1.0, offset(E));
    }

    @Test
    void fewerHeldOutThanKCapsTheIdealAndAveragePrecision() {
        // k 5, one relevant item found at position 2: NDCG = (1/log2 3) / 1, AP = (1/2) / min(1, 5)
        RankingMetrics m = RankingMetrics.compute(5, Map.of("u", List.of("x", "a")), Map.of("u", Set.of("a")),
                Map.of(), 1, 5);
        assertThat(m.ndcg()).isCloseTo(Math.log(2) / Math.log(3), offset(E));
        assertThat(m.map()).isCloseTo(0.5, offset(E));
        assertThat(m.precision()).isCloseTo(0.2, offset(E));
    }
}
