package io.tunetrail.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlanCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The degraded mode's in-process limits: a share of the plan's rate, quotas on top of what Redis last said, all counted. */
class LocalLimitsTest {
    private static final PlanCatalog PLANS = PlanCatalog.load();
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final String ROUTE = "GET /api/v1/tracks/top";

    @Test
    void aKeyGetsHalfItsPlansBurstAndRate() {
        LocalLimits local = new LocalLimits();
        PlanCatalog.Plan starter = PLANS.plan("starter"); // 600 per minute, burst 60
        List<UsageLimiter.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            outcomes.add(local.check("org-a", "key-1", starter, "api_calls", 1, NOW, false, ROUTE).outcome());
        }
        assertThat(outcomes.stream().filter(o -> o == UsageLimiter.Outcome.ALLOWED)).hasSize(30);
        assertThat(outcomes.subList(30, 40)).containsOnly(UsageLimiter.Outcome.RATE_LIMITED);
        // Half of 600 per minute: one more call every 200 ms.
        assertThat(local.check("org-a", "key-1", starter, "api_calls", 1, NOW.plusMillis(200), false, ROUTE).allowed()).isTrue();
        assertThat(local.check("org-a", "key-1", starter, "api_calls", 1, NOW.plusMillis(200), false, ROUTE).allowed()).isFalse();
        assertThat(local.check("org-a", "key-2", starter, "api_calls", 1, NOW, false, ROUTE).allowed()).as("another key").isTrue();
    }

    @Test
    void quotasCountOnFromWhatRedisLastReported() {
        LocalLimits local = new LocalLimits();
        PlanCatalog.Plan free = PLANS.plan("free"); // 1000 calls a day
        local.remember("org-f", "api_calls", NOW.minusSeconds(5), 998, 5_000);
        assertThat(local.check("org-f", "key-1", free, "api_calls", 1, NOW, false, ROUTE).allowed()).isTrue();
        assertThat(local.check("org-f", "key-1", free, "api_calls", 1, NOW, false, ROUTE).allowed()).isTrue();
        UsageLimiter.Decision refused = local.check("org-f", "key-1", free, "api_calls", 1, NOW, false, ROUTE);
        assertThat(refused.outcome()).isEqualTo(UsageLimiter.Outcome.DAY_QUOTA);
        assertThat(refused.limit()).isEqualTo(1000);
        assertThat(refused.dayUsed()).isEqualTo(1000);
        // The community edition's quotas are unlimited: counted, never refused.
        assertThat(local.check("org-f", "key-2", free, "api_calls", 1, NOW, true, ROUTE).allowed()).isTrue();
    }

    @Test
    void everyAdmittedUnitIsKeptUntilDrainedAndOnlyThose() {
        LocalLimits local = new LocalLimits();
        PlanCatalog.Plan starter = PLANS.plan("starter");
        for (int i = 0; i < 35; i++) {
            local.check("org-a", "key-1", starter, "api_calls", 1, NOW, false, ROUTE);
        }
        local.check("org-a", "key-1", starter, "audio_analysis", 1, NOW.plusSeconds(60), false, "POST /api/v1/audio/analyze");
        assertThat(local.hasPending()).isTrue();
        LocalLimits.Pending pending = local.drain();
        LocalDate day = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        assertThat(pending.units()).containsEntry(new LocalLimits.DayUnits("org-a", "api_calls", day), 30L)
                .containsEntry(new LocalLimits.DayUnits("org-a", "audio_analysis", day), 1L).hasSize(2);
        assertThat(pending.calls()).containsEntry(new LocalLimits.RouteCalls("org-a", "key-1", day, ROUTE), 30L);
        assertThat(pending.totalUnits()).isEqualTo(31);
        assertThat(local.hasPending()).isFalse();
        assertThat(local.drain().isEmpty()).isTrue();
    }

    @Test
    void thePerSecondCapHoldsWhileRedisIsDown() {
        LocalLimits local = new LocalLimits();
        PlanCatalog.Plan pro = PLANS.plan("pro"); // 3000 per minute, burst 300, at most 100 per second
        List<UsageLimiter.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            decisions.add(local.check("org-p", "key-1", pro, "api_calls", 1, NOW, false, ROUTE));
        }
        // Half of 100 per second at once, not half of the per-minute burst of 300.
        assertThat(decisions.stream().filter(UsageLimiter.Decision::allowed)).hasSize(50);
        UsageLimiter.Decision refused = decisions.get(79);
        assertThat(refused.outcome()).isEqualTo(UsageLimiter.Outcome.RATE_LIMITED);
        assertThat(refused.retryAfterMs()).isBetween(1L, 20L);
        // Half of 100 per second: one more call every 20 ms.
        assertThat(local.check("org-p", "key-1", pro, "api_calls", 1, NOW.plusMillis(20), false, ROUTE).allowed()).isTrue();
        assertThat(local.check("org-p", "key-1", pro, "api_calls", 1, NOW.plusMillis(20), false, ROUTE).allowed()).isFalse();
        // Refusals by the per-second state counted nothing.
        assertThat(local.drain().totalUnits()).isEqualTo(51);
    }

    @Test
    void manyKeysOfOneOrgStayUnderTheOrgCeilingWhileRedisIsDown() {
        LocalLimits local = new LocalLimits();
        PlanCatalog.Plan starter = PLANS.plan("starter"); // keys: burst 60; the org: burst 180
        int allowed = 0;
        UsageLimiter.Decision last = null;
        for (int key = 0; key < 5; key++) {
            for (int i = 0; i < 30; i++) {
                last = local.check("org-s", "key-" + key, starter, "api_calls", 1, NOW, false, ROUTE);
                allowed += last.allowed() ? 1 : 0;
            }
        }
        assertThat(allowed).as("half the org's burst of 180").isEqualTo(90);
        assertThat(last.outcome()).isEqualTo(UsageLimiter.Outcome.ORG_RATE_LIMITED);
        // Another org is not affected.
        assertThat(local.check("org-t", "key-0", starter, "api_calls", 1, NOW, false, ROUTE).allowed()).isTrue();
    }
}
