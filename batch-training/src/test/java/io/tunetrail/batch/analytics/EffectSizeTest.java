package io.tunetrail.batch.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EffectSizeTest {
    @Test
    void textbookExample() {
        // Two groups of 50, means 10 and 8, both SD 2: d = 1, SE = sqrt(100/2500 + 1/200) = 0.212132.
        EffectSize e = EffectSize.cohensD(50, 10, 4, 50, 8, 4);

        assertThat(e.d()).isCloseTo(1.0, within(1e-12));
        assertThat(e.ciLow()).isCloseTo(1 - 1.959963984540054 * 0.21213203435596426, within(1e-9));
        assertThat(e.ciHigh()).isCloseTo(1 + 1.959963984540054 * 0.21213203435596426, within(1e-9));
        assertThat(e.excludesZero()).isTrue();
    }

    @Test
    void negativeWhenTheFirstGroupIsLowerAndPoolsUnequalGroups() {
        // pooled variance = (9*1 + 29*9) / 38
        EffectSize e = EffectSize.cohensD(10, 5, 1, 30, 6, 9);

        assertThat(e.d()).isCloseTo(-1 / Math.sqrt((9 * 1 + 29 * 9) / 38.0), within(1e-12));
        assertThat(e.ciHigh()).isGreaterThan(e.d());
    }

    @Test
    void smallSamplesGiveAnIntervalAcrossZero() {
        EffectSize e = EffectSize.cohensD(3, 1.1, 1, 3, 1.0, 1);

        assertThat(e.excludesZero()).isFalse();
    }

    @Test
    void noSpreadMeansNoEffectAndTooFewObservationsAreRefused() {
        assertThat(EffectSize.cohensD(5, 1, 0, 5, 1, 0)).isEqualTo(new EffectSize(0, 0, 0));
        assertThatThrownBy(() -> EffectSize.cohensD(1, 1, 0, 5, 1, 1)).hasMessageContaining("two observations");
    }
}
