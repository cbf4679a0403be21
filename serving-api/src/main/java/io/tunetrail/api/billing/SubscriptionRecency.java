package io.tunetrail.api.billing;

import java.time.Instant;
import java.util.Map;

/**
 * Decides whether an event about a subscription is newer than what was applied for it, by the object's own recency
 * rather than by arrival order: Stripe retries and reorders deliveries, so a delayed event must not undo a newer one.
 *
 * <p>The event's {@code created} (whole seconds) orders events. Within one second the subscription's status breaks the
 * tie by its lifecycle (incomplete, trialing, active, past_due, unpaid, canceled): Stripe emits a subscription's
 * creation and its activation in the same second, never the reverse. A canceled subscription is final in Stripe
 * (it cannot be reactivated), so nothing applies after it.
 */
public final class SubscriptionRecency {
    /** Lifecycle rank of a status; unknown statuses rank with active (Stripe adds statuses rarely). */
    private static final Map<String, Integer> RANK = Map.of(
            "incomplete", 0, "trialing", 1, "active", 2, "past_due", 3, "unpaid", 4, "paused", 4,
            "incomplete_expired", 5, "canceled", 5);

    /** What was applied last for a subscription. */
    public record Applied(String status, Instant eventCreated) {}

    private SubscriptionRecency() {}

    /** Whether an event ({@code status} at {@code created}) may be applied after {@code last}; null = nothing applied. */
    public static boolean isNewer(Applied last, String status, Instant created) {
        if (last == null) {
            return true;
        }
        if (isFinal(last.status())) {
            return false;
        }
        int byTime = created.compareTo(last.eventCreated());
        return byTime > 0 || (byTime == 0 && rank(status) >= rank(last.status()));
    }

    static boolean isFinal(String status) {
        return "canceled".equals(status) || "incomplete_expired".equals(status);
    }

    private static int rank(String status) {
        return RANK.getOrDefault(status, 2);
    }
}
