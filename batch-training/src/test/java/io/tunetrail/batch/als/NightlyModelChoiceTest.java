package io.tunetrail.batch.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.eval.family.Family;
import io.tunetrail.model.PlanCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NightlyModelChoiceTest {
    private final NightlyModelChoice choice = new NightlyModelChoice(PlanCatalog.load(), 10, "", Map.of(), 42);

    @Test
    void anOrgIsChosenAmongItsPlansLadderAndAlsWhichServedEveryOrgBefore() {
        assertThat(choice.candidates(Optional.of("starter"))).extracting(Family::name)
                .containsExactly("content", "sar", "itemknn", "ease", "als");
        assertThat(choice.candidates(Optional.of("enterprise"))).extracting(Family::name)
                .containsExactly("content", "sar", "itemknn", "ease", "als", "bpr", "lightgcn");
        assertThat(choice.candidates(Optional.of("free"))).extracting(Family::name).containsExactly("content", "als");
        // Events of an org PostgreSQL does not know: trained as before.
        assertThat(choice.candidates(Optional.empty())).extracting(Family::name).containsExactly("als");
    }

    @Test
    void theBudgetGrowsWithTheOrg() {
        assertThat(choice.budget(100_000)).isEqualTo(Duration.ofSeconds(10));
        assertThat(choice.budget(1_000_000)).isEqualTo(Duration.ofSeconds(100));
        assertThat(choice.budget(500)).isEqualTo(Duration.ofMillis(50));
        assertThat(new NightlyModelChoice(PlanCatalog.load(), 0, "", Map.of(), 42).budget(1_000_000)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aForcedFamilyMustExistAndParamsNeedAFamily() {
        assertThatThrownBy(() -> new NightlyModelChoice(PlanCatalog.load(), 10, "ncf", Map.of(), 42))
                .hasMessageContaining("unknown family 'ncf'");
        assertThatThrownBy(() -> new NightlyModelChoice(PlanCatalog.load(), 10, "", Map.of("lambda", 5), 42))
                .hasMessageContaining("batch.best-of.family");
    }
}
