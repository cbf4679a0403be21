package io.tunetrail.api.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.api.billing.SubscriptionRecency.Applied;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SubscriptionRecencyTest {
    private static final Instant T = Instant.parse("2026-12-05T08:00:00Z");

    @Test
    void theFirstEventOfASubscriptionApplies() {
        assertThat(SubscriptionRecency.isNewer(null, "active", T)).isTrue();
    }

    @Test
    void anOlderEventNeverAppliesOverANewerOne() {
        Applied last = new Applied("active", T);
        assertThat(SubscriptionRecency.isNewer(last, "active", T.minusSeconds(1))).isFalse();
        assertThat(SubscriptionRecency.isNewer(last, "past_due", T.minusSeconds(60))).isFalse();
        assertThat(SubscriptionRecency.isNewer(last, "active", T.plusSeconds(1))).isTrue();
    }

    @Test
    void withinOneSecondTheLifecycleOrders() {
        assertThat(SubscriptionRecency.isNewer(new Applied("incomplete", T), "active", T)).isTrue();
        assertThat(SubscriptionRecency.isNewer(new Applied("active", T), "incomplete", T)).isFalse();
        assertThat(SubscriptionRecency.isNewer(new Applied("active", T), "active", T)).as("same state, same second: the later delivery").isTrue();
        assertThat(SubscriptionRecency.isNewer(new Applied("active", T), "canceled", T)).isTrue();
    }

    @Test
    void aCanceledSubscriptionStaysCanceled() {
        Applied canceled = new Applied("canceled", T);
        assertThat(SubscriptionRecency.isNewer(canceled, "active", T.plusSeconds(3600))).isFalse();
        assertThat(SubscriptionRecency.isNewer(canceled, "canceled", T.plusSeconds(1))).isFalse();
    }
}
