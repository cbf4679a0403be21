package io.tunetrail.console.web;

import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.limits.LimitListener;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.model.UsageEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Counts a console action against the org's quota of a metered resource, as the API's access hook counts the route
 * doing the same (the same limiter and Redis counters, without the rate limit: a member clicking is no API client),
 * under the key id {@link UsageEvent#CONSOLE_KEY_ID}; the usage event goes to the ledger once the work was done. As
 * there, an admitted unit tells the threshold alerts the quota's new totals and a used-up quota tells the org's
 * webhooks, once per period.
 */
final class ConsoleMetering {
    /** A counted unit: publish it when the work is done, give it back when the work is refused. */
    record Counted(UsageEvent usage) {}

    /** The quota refused the action; {@code reason} says which and when it resets, for the form's field. */
    static final class QuotaRefused extends Exception {
        QuotaRefused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final UsageLimiter limiter;
    private final EventPublisher events;
    private final ThresholdAlerts alerts;
    private final LimitListener onLimit;
    private final Clock clock;

    ConsoleMetering(UsageLimiter limiter, EventPublisher events, ThresholdAlerts alerts, LimitListener onLimit, Clock clock) {
        this.limiter = limiter;
        this.events = events;
        this.alerts = alerts;
        this.onLimit = onLimit;
        this.clock = clock;
    }

    Counted count(Principal p, String resource, String route) throws QuotaRefused {
        Instant now = clock.instant();
        UsageLimiter.Decision d = limiter.checkQuota(p.orgId(), UsageEvent.CONSOLE_KEY_ID, p.plan(), resource, 1, now, p.communityEdition(), route);
        if (!d.allowed()) {
            announce(p, d, resource, now);
            throw new QuotaRefused(refusal(d, resource, now));
        }
        alerts.quotaAdmitted(p.orgId(), p.plan(), p.communityEdition(), resource, 1, d.dayUsed(), d.monthUsed(), now);
        return new Counted(new UsageEvent(p.orgId(), UsageEvent.CONSOLE_KEY_ID, resource, 1, now,
                "req_console_" + UUID.randomUUID().toString().replace("-", "")));
    }

    void publish(Counted c) {
        events.publishUsage(c.usage());
    }

    void refund(Counted c) {
        limiter.refund(c.usage().orgId(), c.usage().resource(), c.usage().units(), c.usage().eventTime());
    }

    private void announce(Principal p, UsageLimiter.Decision d, String resource, Instant now) {
        if (d.outcome() == UsageLimiter.Outcome.DAY_QUOTA || d.outcome() == UsageLimiter.Outcome.MONTH_QUOTA) {
            boolean daily = d.outcome() == UsageLimiter.Outcome.DAY_QUOTA;
            onLimit.limitReached(p.orgId(), resource, daily ? "day" : "month", d.limit(), resets(daily, now).atStartOfDay().toInstant(ZoneOffset.UTC));
        }
    }

    private static LocalDate resets(boolean daily, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return daily ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
    }

    private static String refusal(UsageLimiter.Decision d, String resource, Instant now) {
        boolean daily = d.outcome() == UsageLimiter.Outcome.DAY_QUOTA;
        if (!daily && d.outcome() != UsageLimiter.Outcome.MONTH_QUOTA) {
            return "Too many at once; try again in a moment.";
        }
        LocalDate reset = resets(daily, now);
        return "Your plan's " + (daily ? "daily" : "monthly") + " " + resource + " quota of " + d.limit() + " is used up; it resets on " + reset
                + " 00:00 UTC, or upgrade the plan for more. Nothing was done or counted.";
    }
}
