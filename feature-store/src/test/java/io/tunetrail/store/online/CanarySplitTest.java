package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanarySplitTest {

    private static long served(CanarySplit split, int listeners) {
        return IntStream.range(0, listeners).filter(i -> split.servesCandidate("user-" + i)).count();
    }

    @Test
    void theShareOfTenThousandListenersIsWithinThreePointsOfThePlan() {
        for (int percent : new int[] {10, 50}) {
            for (long canaryId = 1; canaryId <= 5; canaryId++) {
                double share = served(CanarySplit.of("acme", canaryId, "1.1", percent), 10_000) / 100.0;
                assertThat(share).as("canary %d at %d %%", canaryId, percent).isBetween(percent - 3.0, percent + 3.0);
            }
        }
    }

    @Test
    void aListenerKeepsTheirArmAndANewCanaryReshuffles() {
        CanarySplit split = CanarySplit.of("acme", 7, "1.1", 10);
        CanarySplit again = CanarySplit.of("acme", 7, "1.1", 10);
        IntStream.range(0, 1_000).mapToObj(i -> "user-" + i)
                .forEach(u -> assertThat(again.servesCandidate(u)).as(u).isEqualTo(split.servesCandidate(u)));
        CanarySplit next = CanarySplit.of("acme", 8, "1.1", 10);
        CanarySplit otherOrg = CanarySplit.of("other", 7, "1.1", 10);
        long moved = IntStream.range(0, 1_000).mapToObj(i -> "user-" + i).filter(u -> next.servesCandidate(u) != split.servesCandidate(u)).count();
        long movedOrg = IntStream.range(0, 1_000).mapToObj(i -> "user-" + i).filter(u -> otherOrg.servesCandidate(u) != split.servesCandidate(u)).count();
        // Independent 10 % splits disagree on about 18 % of listeners; the same split on none.
        assertThat(moved).isBetween(100L, 300L);
        assertThat(movedOrg).isBetween(100L, 300L);
    }

    @Test
    void theKeyValueNamesCandidateShareAndSeed() {
        assertThat(CanarySplit.of("acme", 12, "2.3", 10).encode()).isEqualTo("2.3 1000 acme/12");
        assertThatThrownBy(() -> new CanarySplit("2.3", 10_001, "s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CanarySplit("2.3", 10, "a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
