package io.tunetrail.batch.eval.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
        float[] s = TinyMatrix.scores(new Content().fit(m, cosine(0.0)), m, 0);
        // u0's profile is a's unit vector (rock). c = (ln 2, ln 4) / |.| = (1, 2)/sqrt(5): cosine 1/sqrt(5). d: 0.
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) (1 / Math.sqrt(5)), offset(1e-6f));
        assertThat(s[m.itemIndex("d")]).isZero();
    }

    @Test
    void popularityWeightBreaksTiesBetweenEquallySimilarItems() {
        // For u0, b and d are both jazz only (cosine 0); b has two users, d one.
        float[] s = TinyMatrix.scores(new Content().fit(m, cosine(0.5)), m, 0);
        assertThat(s[m.itemIndex("b")]).isGreaterThan(s[m.itemIndex("d")]);
        assertThat(s[m.itemIndex("b")]).isCloseTo(0.5f, offset(1e-6f));
    }

    @Test
    void affinityIsTheSmoothedLogLiftOfEachFeatureSummedOverTheItem() {
        // u0 played a (rock) only: n = 1 of 4 items; rock's base rate 2/4, so with alpha 1 its lift is
        // log((1 + 0.5) / (2 * 0.5)) = log 1.5; jazz and folk, never played: log(1 / 2) each.
        float[] s = TinyMatrix.scores(new Content().fit(m, affinity(1.0, 0.0, 0.0)), m, 0);
        assertThat(s[m.itemIndex("a")]).isCloseTo((float) Math.log(1.5), offset(1e-6f));
        assertThat(s[m.itemIndex("b")]).isCloseTo((float) Math.log(0.5), offset(1e-6f));
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) (Math.log(1.5) + Math.log(0.5)), offset(1e-6f));
        // The cosine gives c a positive score; here folk, a feature u0 never played, counts against it.
        assertThat(s[m.itemIndex("c")]).isLessThan(0f);
    }

    @Test
    void betaDividesByThePowerOfTheItemsFeatureCount() {
        float[] s = TinyMatrix.scores(new Content().fit(m, affinity(1.0, 1.0, 0.0)), m, 0);
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) ((Math.log(1.5) + Math.log(0.5)) / 2), offset(1e-6f));
        assertThat(s[m.itemIndex("a")]).isCloseTo((float) Math.log(1.5), offset(1e-6f));
    }

    @Test
    void aRareFeatureTheUserKeepsPlayingOutweighsACommonOne() {
        // u2 played b, c and d: jazz (base rate 1/2) twice, rock (1/2) once, folk (1/4) once. With alpha 2:
        // jazz log((2 + 1) / (5 * 0.5)) = log 1.2, folk log((1 + 0.5) / (5 * 0.25)) = log 1.2, rock log((1 + 1) / 2.5).
        float[] s = TinyMatrix.scores(new Content().fit(m, affinity(2.0, 0.0, 0.0)), m, 2);
        assertThat(s[m.itemIndex("b")]).isCloseTo((float) Math.log(1.2), offset(1e-6f));
        assertThat(s[m.itemIndex("a")]).isCloseTo((float) Math.log(0.8), offset(1e-6f));
        assertThat(s[m.itemIndex("c")]).isCloseTo((float) (Math.log(0.8) + Math.log(1.2)), offset(1e-6f));
    }

    @Test
    void refusesAnUnknownProfileAndNonPositiveSmoothing() {
        assertThatThrownBy(() -> new Content().fit(m, Hyperparameters.of("profile", "bm25", "pop_weight", 0.0, "alpha", 1.0, "beta", 0.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cosine or affinity");
        assertThatThrownBy(() -> new Content().fit(m, affinity(0.0, 0.0, 0.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha > 0");
    }

    private static Hyperparameters cosine(double popWeight) {
        return Hyperparameters.of("profile", "cosine", "pop_weight", popWeight, "alpha", 2.0, "beta", 1.0);
    }

    private static Hyperparameters affinity(double alpha, double beta, double popWeight) {
        return Hyperparameters.of("profile", "affinity", "pop_weight", popWeight, "alpha", alpha, "beta", beta);
    }
}
