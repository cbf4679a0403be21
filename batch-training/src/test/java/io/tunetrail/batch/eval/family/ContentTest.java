package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.tunetrail.batch.eval.UserItemMatrix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentTest {
    // 4 items; genre "rock" on a and c (idf ln 2), "jazz" on b and d (ln 2), "folk" on c only (ln 4).
    private final UserItemMatrix m = TinyMatrix.of(Map.of("a", List.of("rock"), "b", List.of("jazz"),
            "c", List.of("rock", "folk"), "d", List.of("jazz")), "u0:a", "u1:a,b", "u2:b,c,d");

    @Test
    void cosineOfIdfWeightedGenresWithTheUsersProfile() {
        float[] s = TinyMatrix.scores(new Content().fit(m, Hyperparameters.of("pop_weight", 0.0)), m, 0);
        // u0's profile is a's unit vector (rock). c = (ln 2, ln 4) / |.| = (1, 2)/sqrt(5): cosine 1/sqrt(5). d: 0.
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) (1 / Math.sqrt(5)), offset(1e-6f));
        assertThat(s[m.itemIndex("d")]).isZero();
    }

    @Test
    void popularityWeightBreaksTiesBetweenEquallySimilarItems() {
        // For u0, b and d are both jazz only (cosine 0); b has two users, d one.
        float[] s = TinyMatrix.scores(new Content().fit(m, Hyperparameters.of("pop_weight", 0.5)), m, 0);
        assertThat(s[m.itemIndex("b")]).isGreaterThan(s[m.itemIndex("d")]);
        assertThat(s[m.itemIndex("b")]).isCloseTo(0.5f, offset(1e-6f));
    }
}
