package io.tunetrail.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {
    private static SoakVerdict.Minute minute(long errors, double p99, long heapMb) {
        return new SoakVerdict.Minute(1000, errors, 1.0, p99, heapMb * 1024 * 1024);
    }

    @Test
    void comparesTheLastMinuteWithTheSecondNotTheFirst() {
        // The first minute's heap (warm-up) is ignored: 300 MB there would make any later figure look flat.
        SoakVerdict v = SoakVerdict.of(List.of(minute(0, 9, 300), minute(0, 4, 100), minute(0, 5, 105), minute(0, 6, 109)));
        assertThat(v.heapLastOverSecondRatio()).isEqualTo(1.09);
        assertThat(v.p99LastOverSecondRatio()).isEqualTo(1.5);
        assertThat(v.errors()).isZero();
        assertThat(v.pass()).isTrue();
    }

    @Test
    void failsOnAGrowingHeapOrAnyError() {
        assertThat(SoakVerdict.of(List.of(minute(0, 1, 100), minute(0, 1, 100), minute(0, 1, 111))).pass()).isFalse();
        SoakVerdict errors = SoakVerdict.of(List.of(minute(0, 1, 100), minute(1, 1, 100), minute(2, 1, 90)));
        assertThat(errors.errors()).isEqualTo(3);
        assertThat(errors.pass()).isFalse();
    }

    @Test
    void needsTwoMinutes() {
        assertThatThrownBy(() -> SoakVerdict.of(List.of(minute(0, 1, 100)))).isInstanceOf(IllegalArgumentException.class);
    }
}
