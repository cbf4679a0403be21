package io.tunetrail.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.limits.LimitListener;
import io.tunetrail.api.limits.RefusalCounter;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.service.ModelChoice;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.Ids;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one check that enforces every route's {@link Gate} before its handler runs, in this order: API key (401), the
 * key's member role on owner/admin routes (403 insufficient_role), scope (403 insufficient_scope), plan feature (402), the
 * model family a recommendation route is asked for with {@code ?model=} (402 when the plan's ladder lacks it), a
 * team key's team on team-scoped routes (404, as for another org), then rate limit and quota in one Redis script (429). It leaves the
 * {@link Principal} on the context for the controllers and puts the RateLimit-* headers on the response,
 * publishes a usage event for every admitted metered request and tells {@link ThresholdAlerts} the quota's new totals.
 *
 * <p>RateLimit-* headers: every response to a request whose key is known carries them (metered or not, admitted or
 * refused with 402, 403, 429, or failing later in the handler), unless the key's plan has no rate limit (see
 * {@link #rateLimitHeaders}). Responses where no key is known (401, public routes, unknown paths) carry none: the
 * fields describe the quota of an identified client, and this API meters nothing per address, so any figure there
 * would describe no policy that exists.
 */
public final class AccessHook {
    static final String PRINCIPAL = "tunetrail.principal";
    static final String PREFETCHED = "tunetrail.prefetched";
    static final String PENDING_USAGE = "tunetrail.pending-usage";

    /** Feature rows of {@code entityId} the limit check read for the handler (absent rows left out). */
    private record Prefetched(String entityId, Map<FeatureView, FeatureRow> rows) {}

    private final Authenticator authenticator;
    private final UsageLimiter limiter;
    private final EventPublisher events;
    private final PlanCatalog plans;
    private final Clock clock;
    private final LimitListener onLimit;
    private final ApiMetrics metrics;
    private final ThresholdAlerts alerts;
    private final RefusalCounter refusals;

    public AccessHook(Authenticator authenticator, UsageLimiter limiter, EventPublisher events, PlanCatalog plans, Clock clock,
            LimitListener onLimit, ApiMetrics metrics, ThresholdAlerts alerts, RefusalCounter refusals) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.events = events;
        this.plans = plans;
        this.clock = clock;
        this.onLimit = onLimit;
        this.metrics = metrics;
        this.alerts = alerts;
        this.refusals = refusals;
    }

    /**
     * Wraps a route's handler so this check runs first. Per route, not as a Javalin {@code beforeMatched} hook: such a
     * hook makes Javalin match the path against every route's pattern three more times per request (to find the route,
     * its roles and whether anything will match), which on the API's ~90 routes was a fifth of the request threads'
     * profile samples.
     */
    public Handler guard(Gate gate, Handler handler) {
        return ctx -> {
            handle(ctx, gate);
            handler.handle(ctx);
        };
    }

    void handle(Context ctx, Gate gate) {
        if (gate.isPublic()) {
            return;
        }
        Principal principal = authenticator.authenticate(presentedKey(ctx));
        Instant now = clock.instant();
        boolean metered = gate.resource() != null;
        Gate.Refusal refusal = gate.refusal(principal);
        if (!metered || refusal != null) {
            // Nothing is counted for these, but the key is known: its rate-limit state goes on the response all the same.
            peekHeaders(principal, now).forEach(ctx::header);
        }
        if (refusal == Gate.Refusal.ROLE) {
            throw ApiErrors.insufficientRole(gate.role().wireName(), principal.role().wireName());
        }
        if (refusal == Gate.Refusal.SCOPE) {
            throw ApiErrors.missingScope(gate.scope().wireName());
        }
        if (refusal == Gate.Refusal.PLAN) {
            metrics.refused(principal.plan().id(), gate.feature(), 402);
            refusals.planFeature(principal.orgId(), principal.keyId(), gate.resource(), gate.feature(), now);
            throw planRequired(ctx, principal.plan(), gate.feature());
        }
        if (gate.modelChoice()) {
            try {
                ModelChoice.checkPlan(plans, principal.plan(), ctx.queryParam(Gate.MODEL_PARAM), ctx.method() + " " + ctx.endpointHandlerPath());
            } catch (ApiException e) {
                if (e.status() == 402) {
                    metrics.refused(principal.plan().id(), "model_families", 402);
                    refusals.planModelFamily(principal.orgId(), principal.keyId(), gate.resource(), now);
                }
                throw e;
            }
        }
        if (gate.teamParam() != null && principal.teamId() != null && !principal.teamId().equals(ctx.pathParam(gate.teamParam()))) {
            // Another team is another org as far as a team's key is concerned: the same 404, saying nothing of the team.
            throw ApiErrors.notFound("team", ctx.pathParam(gate.teamParam()));
        }
        ctx.attribute(PRINCIPAL, principal);
        if (!metered) {
            return;
        }
        // A malformed id is not prefetched: the handler refuses it with the field named, as without a prefetch.
        String prefetchEntity = gate.prefetch() == null ? null : ctx.queryParam(gate.prefetch().param());
        if (prefetchEntity != null && !Ids.isValid(prefetchEntity)) {
            prefetchEntity = null;
        }
        long checkStart = System.nanoTime();
        UsageLimiter.Decision d = limiter.check(principal.orgId(), principal.keyId(), principal.plan(), gate.resource(), gate.units(),
                now, principal.communityEdition(), ctx.method().name() + " " + ctx.endpointHandlerPath(), prefetchEntity,
                gate.prefetch() == null ? null : gate.prefetch().views());
        metrics.limiterCheck().record(System.nanoTime() - checkStart, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (d.outcome() != UsageLimiter.Outcome.ALLOWED) {
            metrics.refused(principal.plan().id(), gate.resource(), 429);
            refusals.limited(principal.orgId(), principal.keyId(), gate.resource(), d.outcome(), now);
        }
        Map<String, String> headers = rateLimitHeaders(d);
        headers.forEach(ctx::header);
        switch (d.outcome()) {
            case ALLOWED -> {
                // From the totals the script returned: no extra round trip, and nothing allocated unless a threshold is crossed.
                alerts.quotaAdmitted(principal.orgId(), principal.plan(), principal.communityEdition(), gate.resource(), gate.units(),
                        d.dayUsed(), d.monthUsed(), now);
                if (d.prefetched() != null) {
                    ctx.attribute(PREFETCHED, new Prefetched(prefetchEntity, d.prefetched()));
                }
                String requestId = "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
                        + Long.toHexString(now.toEpochMilli());
                ctx.header("X-Request-Id", requestId);
                UsageEvent usage = new UsageEvent(principal.orgId(), principal.keyId(), gate.resource(), gate.units(), now, requestId);
                if (gate.usageSettledByHandler()) {
                    ctx.attribute(PENDING_USAGE, usage);
                } else {
                    events.publishUsage(usage);
                }
            }
            case RATE_LIMITED, ORG_RATE_LIMITED -> {
                long seconds = Math.max(1, (d.retryAfterMs() + 999) / 1000);
                headers.put("Retry-After", Long.toString(seconds));
                throw d.outcome() == UsageLimiter.Outcome.RATE_LIMITED ? ApiErrors.rateLimited(seconds, headers)
                        : ApiErrors.orgRateLimited(seconds, headers);
            }
            case DAY_QUOTA, MONTH_QUOTA -> {
                LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
                LocalDate reset = d.outcome() == UsageLimiter.Outcome.DAY_QUOTA ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
                Instant resetsAt = reset.atStartOfDay().toInstant(ZoneOffset.UTC);
                headers.put("Retry-After", Long.toString(Math.max(1, resetsAt.getEpochSecond() - now.getEpochSecond())));
                long used = d.outcome() == UsageLimiter.Outcome.DAY_QUOTA ? d.dayUsed() : d.monthUsed();
                onLimit.limitReached(principal.orgId(), gate.resource(), d.outcome() == UsageLimiter.Outcome.DAY_QUOTA ? "day" : "month",
                        d.limit(), resetsAt);
                throw ApiErrors.usageLimitExceeded(gate.resource(), d.limit(), used, resetsAt,
                        upgradeMessage(principal.plan(), gate.resource(), d.outcome()), headers);
            }
        }
    }

    /** The principal the hook resolved; only on gated routes. */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("route " + ctx.endpointHandlerPath() + " reads the principal but declares no gate");
        }
        return p;
    }

    /**
     * The usage event of an admitted request whose gate leaves it to the handler
     * ({@link Gate#settlingUsageInHandler()}): publish it once the work is done, drop it when the work is refused.
     */
    public static UsageEvent pendingUsage(Context ctx) {
        UsageEvent usage = ctx.attribute(PENDING_USAGE);
        if (usage == null) {
            throw new IllegalStateException("route " + ctx.endpointHandlerPath() + " reads a pending usage event but its gate publishes it");
        }
        return usage;
    }

    /**
     * The rows the limit check prefetched for {@code entityId} (see {@link Gate.Prefetch}), or null when it read none
     * for that entity: the handler then reads them itself.
     */
    public static Map<FeatureView, FeatureRow> prefetched(Context ctx, String entityId) {
        Prefetched p = ctx.attribute(PREFETCHED);
        return p != null && p.entityId().equals(entityId) ? p.rows() : null;
    }

    private static String presentedKey(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return auth.substring(7).trim();
            }
            throw ApiErrors.badKey();
        }
        return ctx.header("X-API-Key");
    }

    /**
     * The RateLimit-* fields of draft-ietf-httpapi-ratelimit-headers-06 for the key's GCRA policy: Limit is the
     * burst (the requests the key may send at once), Remaining what it may send now, Reset the seconds until the
     * bucket is full again. A key without a rate limit (the community plan) gets none of them: the fields carry a
     * quota as a number and have no way to say "unlimited", and a made-up number would make a client that paces
     * itself by Remaining throttle against a limit that does not exist; the draft lets a server leave them out.
     */
    private static Map<String, String> rateLimitHeaders(UsageLimiter.Decision d) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (d.rateLimit() != null) {
            put(headers, d.rateLimit(), d.rateRemaining(), d.resetMs());
        }
        return headers;
    }

    private Map<String, String> peekHeaders(Principal principal, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        UsageLimiter.RateState state = limiter.peek(principal.orgId(), principal.keyId(), principal.plan(), now);
        if (state != null) {
            put(headers, state.limit(), state.remaining(), state.resetMs());
        }
        return headers;
    }

    private static void put(Map<String, String> headers, int limit, long remaining, long resetMs) {
        headers.put("RateLimit-Limit", Integer.toString(limit));
        headers.put("RateLimit-Remaining", Long.toString(Math.max(0, remaining)));
        headers.put("RateLimit-Reset", Long.toString((Math.max(0, resetMs) + 999) / 1000));
    }

    private ApiException planRequired(Context ctx, PlanCatalog.Plan plan, String feature) {
        List<String> required = plans.plansWith(feature);
        String message = ctx.method() + " " + ctx.endpointHandlerPath() + " needs " + feature.replace('_', ' ') + ", which the "
                + plan.displayName() + " plan does not include; it is part of " + String.join(", ", required) + ".";
        return ApiErrors.planUpgradeRequired(plan.id(), required, plans.upgradeUrl(), plans.featureDescription(feature), message);
    }

    /** Names the cheapest plan with a higher limit for the resource, or says none has one. */
    private String upgradeMessage(PlanCatalog.Plan current, String resource, UsageLimiter.Outcome outcome) {
        boolean day = outcome == UsageLimiter.Outcome.DAY_QUOTA;
        Long have = day ? current.limit(resource).perDay() : current.limit(resource).perMonth();
        String period = day ? "day" : "month";
        for (PlanCatalog.Plan p : plans.plans()) {
            if (!"cloud".equals(p.edition())) {
                continue;
            }
            Long theirs = day ? p.limit(resource).perDay() : p.limit(resource).perMonth();
            boolean more = theirs == null || (have != null && theirs > have);
            if (more && !p.id().equals(current.id()) && p.hasFeature("basic_recommendations")) {
                String amount = theirs == null ? "unlimited " + resource.replace('_', ' ') : String.format(Locale.ROOT, "%,d %s", theirs,
                        resource.replace('_', ' '));
                return "Upgrade to " + p.displayName() + " for " + amount + " per " + period + ": " + plans.upgradeUrl();
            }
        }
        return "The " + current.displayName() + " plan allows " + have + " " + resource.replace('_', ' ') + " per " + period
                + "; the limit resets at 00:00 UTC. Contact sales for more: " + plans.upgradeUrl();
    }
}
