package io.tunetrail.api.alerts;

import io.tunetrail.store.alerts.Crossing;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlanCatalog;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The crossing rule (before < t% <= after) on the shipped plan catalog, for quotas, held counts and the cost cap. */
class ThresholdAlertsTest {
    private static final PlanCatalog PLANS = PlanCatalog.load();
    private static final Instant NOW = Instant.parse("2026-12-06T10:15:00Z");

    private final List<Crossing> seen = new ArrayList<>();
    private final ThresholdAlerts alerts = new ThresholdAlerts(seen::add);

    @Test
    void onlyTheCallThatReachesAThresholdAlertsIt() {
        // free: 1,000 api_calls a day (50% = 500), 20,000 a month.
        PlanCatalog.Plan free = PLANS.plan("free");
        alerts.quotaAdmitted("o1", free, false, "api_calls", 1, 499, 499, NOW);
        assertThat(seen).isEmpty();
        alerts.quotaAdmitted("o1", free, false, "api_calls", 1, 500, 500, NOW);
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.thresholdPercent()).isEqualTo(50);
            assertThat(c.period()).isEqualTo("day");
            assertThat(c.periodStart()).isEqualTo(LocalDate.parse("2026-12-06"));
            assertThat(c.limit()).isEqualTo(BigDecimal.valueOf(1000));
            assertThat(c.used()).isEqualTo(BigDecimal.valueOf(500));
            assertThat(c.kind()).isEqualTo(Crossing.QUOTA);
        });
        alerts.quotaAdmitted("o1", free, false, "api_calls", 1, 501, 501, NOW);
        assertThat(seen).hasSize(1);
    }

    @Test
    void oneStepOverSeveralThresholdsAlertsEachAndTheMonthIsItsOwnPeriod() {
        PlanCatalog.Plan free = PLANS.plan("free");
        alerts.quotaAdmitted("o1", free, false, "api_calls", 1000, 1000, 10_000, NOW);
        assertThat(seen).extracting(c -> c.period() + " " + c.thresholdPercent()).containsExactly("day 50", "day 80", "day 100", "month 50");
        assertThat(seen.get(3).periodStart()).isEqualTo(LocalDate.parse("2026-12-01"));
    }

    @Test
    void unlimitedZeroAndCommunityQuotasAlertNothing() {
        alerts.quotaAdmitted("o1", PLANS.plan("enterprise"), false, "api_calls", 1, 1_000_000, 1_000_000, NOW);
        alerts.quotaAdmitted("o1", PLANS.plan("free"), false, "audio_analysis", 1, 1, 1, NOW);
        alerts.quotaAdmitted("o1", PLANS.plan("free"), true, "api_calls", 1, 500, 500, NOW);
        alerts.quotaAdmitted("o1", PLANS.plan("pro"), false, "no_such_resource", 1, 500, 500, NOW);
        assertThat(seen).isEmpty();
    }

    @Test
    void aHeldCountAlertsPerMonthAndRacingAddsEachSeeTheWholeRange() {
        // starter: 5 team members (50% = 2.5, so the 3rd seat reaches it), 10,000 tracks.
        PlanCatalog.Plan starter = PLANS.plan("starter");
        alerts.heldCountRose("o1", starter, false, "team_members", 1, 2, NOW);
        assertThat(seen).isEmpty();
        alerts.heldCountRose("o1", starter, false, "team_members", 2, 3, NOW);
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.thresholdPercent()).isEqualTo(50);
            assertThat(c.period()).isEqualTo("month");
            assertThat(c.periodStart()).isEqualTo(LocalDate.parse("2026-12-01"));
            assertThat(c.used()).isEqualTo(BigDecimal.valueOf(3));
        });
        seen.clear();
        // Two adds that both counted 3 before and 5 after (each committed before the other counted again): both report
        // 80% and 100%, and the alerts table keeps one of each.
        alerts.heldCountRose("o1", starter, false, "team_members", 3, 5, NOW);
        alerts.heldCountRose("o1", starter, false, "team_members", 3, 5, NOW);
        assertThat(seen).extracting(Crossing::thresholdPercent).containsExactly(80, 100, 80, 100);
        seen.clear();
        alerts.heldCountRose("o1", PLANS.plan("enterprise"), false, "tracks", 0, 1_000_000, NOW);
        alerts.heldCountRose("o1", starter, true, "tracks", 4_999, 5_000, NOW);
        alerts.heldCountRose("o1", starter, false, "tracks", 5_000, 5_000, NOW);
        assertThat(seen).as("unlimited, community, nothing added").isEmpty();
    }

    @Test
    void aCallThatCrossesNothingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PlanCatalog.Plan free = PLANS.plan("free");
        for (int i = 0; i < 200_000; i++) {
            alerts.quotaAdmitted("o1", free, false, "api_calls", 1, 100 + (i & 255), 100 + (i & 255), NOW);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            alerts.quotaAdmitted("o1", free, false, "api_calls", 1, 100 + (i & 255), 100 + (i & 255), NOW);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(seen).isEmpty();
        // One object per call would be at least 16 MB; what is left is the measurement's own noise.
        assertThat(allocated).as("bytes allocated by 1M checks that cross nothing").isLessThan(64 * 1024);
    }
}
