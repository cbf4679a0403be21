package io.tunetrail.batch.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChainProgressTest {

    @Test
    void stepsNameTheJobAndOrgAndTheShareOfTheChainGrowsWithEachOrg() {
        AtomicLong clock = new AtomicLong();
        List<ChainProgress.Step> steps = new ArrayList<>();
        ChainProgress progress = new ChainProgress(steps::add, clock::get);

        progress.jobStarted("als", 1, 2);
        for (String org : progress.orgs(List.of("a", "b", "c", "d"))) {
            clock.addAndGet(1_000_000_000L);
            assertThat(org).isNotBlank();
        }
        progress.jobFinished();
        progress.jobStarted("evaluate", 2, 2);
        progress.jobFinished();

        assertThat(steps).extracting(ChainProgress.Step::org).containsExactly(null, "a", "b", "c", "d", null, null, null);
        assertThat(steps).extracting(ChainProgress.Step::percentOfChain).containsExactly(0, 0, 12, 25, 37, 50, 50, 100);
        ChainProgress.Step alsDone = steps.get(5);
        assertThat(alsDone.done()).isTrue();
        assertThat(alsDone.orgIndex()).isEqualTo(4);
        assertThat(alsDone.jobElapsedMs()).isEqualTo(4_000);
    }
}
