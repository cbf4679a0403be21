package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.Interactions;
import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlsTest {
    // u0: a (w 3), b (w 1); u1: a (w 1). Two users: idf(a) = ln 2 - ln 3, idf(b) = ln 2 - ln 2 = 0.
    private final UserItemMatrix m = UserItemMatrix.of(new Interactions.Builder().addRow("u0", "a", 3, 0)
            .addRow("u0", "b", 1, 0).addRow("u1", "a", 1, 0).build(Map.of()));

    @Test
    void weightingsByHand() {
        assertThat(Als.weights(m, "binary")).containsExactly(1f, 1f, 1f);
        assertThat(Als.weights(m, "log")).containsExactly((float) Math.log(4), (float) Math.log(2), (float) Math.log(2));
        double idfA = Math.log(2) - Math.log(3);
        float[] tfidf = Als.weights(m, "tfidf");
        assertThat(tfidf[0]).isCloseTo((float) (Math.sqrt(3) * idfA), offset(1e-6f));
        assertThat(tfidf[1]).isZero();
        // bm25, K1 100, B 0.8: row sums 4 and 1, mean 2.5; u0's norm 0.2 + 0.8·4/2.5 = 1.48.
        float[] bm25 = Als.weights(m, "bm25");
        assertThat(bm25[0]).isCloseTo((float) (3 * 101 / (100 * 1.48 + 3) * idfA), offset(1e-6f));
        double norm1 = 0.2 + 0.8 * 1 / 2.5;
        assertThat(bm25[2]).isCloseTo((float) (1 * 101 / (100 * norm1 + 1) * idfA), offset(1e-6f));
    }

    @Test
    void recommendsWhatSimilarUsersHave() {
        UserItemMatrix tm = TinyMatrix.of("u0:a,b", "u1:a,b,c", "u2:a,b,c", "u3:d,e", "u4:d,e,f", "u5:d,e,f");
        Recommender als = new Als().fit(tm, Hyperparameters.of("rank", 4, "lambda", 0.01, "alpha", 10.0,
                "iterations", 10, "weighting", "binary"));
        float[] s = TinyMatrix.scores(als, tm, 0);
        assertThat(s[tm.itemIndex("c")]).isGreaterThan(s[tm.itemIndex("f")]);
        assertThat(TinyMatrix.scores(als, tm, 3)[tm.itemIndex("f")])
                .isGreaterThan(TinyMatrix.scores(als, tm, 3)[tm.itemIndex("c")]);
    }
}
