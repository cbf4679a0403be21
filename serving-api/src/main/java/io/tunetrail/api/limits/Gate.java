package io.tunetrail.api.limits;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.store.online.FeatureView;
import java.util.List;

/**
 * What a route requires, declared with the route and enforced by the one access hook
 * ({@link io.tunetrail.api.http.AccessHook}): an API key with {@code scope}, a plan with {@code feature} (or any
 * plan when null), and {@code units} of the metered {@code resource} (null: not metered); for owner/admin routes,
 * the {@code role} (or higher) of the member the key belongs to (null: any). An admin-scoped gate always requires at
 * least the admin role: the scope says what the key was made for, the role who stands behind it, and both must hold.
 *
 * <p>A team-scoped route names its team path parameter ({@code teamParam}): a key of a team may use it for its own
 * team only; any other team id is answered as not found, exactly like another org's.
 *
 * <p>A metered route may also name feature rows to {@code prefetch}: the rows of the entity its query parameter
 * names, read by the same Redis script that checks the limits, so the route's hottest read costs no round trip of
 * its own.
 */
public record Gate(Scope scope, String feature, String resource, long units, Prefetch prefetch, Role role, String teamParam,
        boolean usageSettledByHandler, boolean modelChoice) {
    /** No key needed (documentation, Stripe's webhook, which authenticates by signature). */
    public static final Gate PUBLIC = new Gate(null, null, null, 0, null, null);

    public Gate {
        // Declared here rather than on each admin route, so a new admin route cannot forget it.
        if (scope == Scope.ADMIN && (role == null || !role.atLeast(Role.ADMIN))) {
            role = Role.ADMIN;
        }
    }

    public Gate(Scope scope, String feature, String resource, long units, Prefetch prefetch, Role role) {
        this(scope, feature, resource, units, prefetch, role, null);
    }

    public Gate(Scope scope, String feature, String resource, long units, Prefetch prefetch, Role role, String teamParam) {
        this(scope, feature, resource, units, prefetch, role, teamParam, false, false);
    }

    /** The query parameter naming the model family a recommendation route should answer from ({@link #choosingModel}). */
    public static final String MODEL_PARAM = "model";

    /**
     * The same gate, on a route that answers from the model family {@code ?model=} names: a family outside the plan's
     * ladder ({@code model_families} in config/plans.yaml) is refused with the plan-upgrade 402 before anything is
     * counted, like a missing feature.
     */
    public Gate choosingModel() {
        return new Gate(scope, feature, resource, units, prefetch, role, teamParam, usageSettledByHandler, true);
    }

    /**
     * The same gate, counted by the limit check as any other but with its usage event left to the handler
     * ({@link io.tunetrail.api.http.AccessHook#pendingUsage}): for work that may still be refused after admission (an
     * upload the analyser cannot read), whose unit is then given back and must not reach the usage ledger either.
     */
    public Gate settlingUsageInHandler() {
        return new Gate(scope, feature, resource, units, prefetch, role, teamParam, true, modelChoice);
    }

    /** Rows of the entity named by query parameter {@code param}, of {@code views}. */
    public record Prefetch(String param, List<FeatureView> views) {
        public Prefetch {
            views = List.copyOf(views);
        }
    }

    public static final String API_CALLS = "api_calls";
    public static final String AUDIO_ANALYSIS = "audio_analysis";
    public static final String MODEL_TRAINING = "model_training";
    public static final String WEBHOOK_TESTS = "webhook_tests";

    /** A metered API call needing {@code scope} and {@code feature}. */
    public static Gate metered(Scope scope, String feature) {
        return new Gate(scope, feature, API_CALLS, 1, null, null);
    }

    /** Management calls (keys, teams): authenticated and scoped, not counted against the API quota. */
    public static Gate unmetered(Scope scope, String feature) {
        return new Gate(scope, feature, null, 0, null, null);
    }

    public Gate withResource(String resourceName) {
        return new Gate(scope, feature, resourceName, 1, prefetch, role, teamParam, usageSettledByHandler, modelChoice);
    }

    /** The same gate, prefetching {@code views} of the entity the query parameter {@code param} names. */
    public Gate prefetching(String param, List<FeatureView> views) {
        return new Gate(scope, feature, resource, units, new Prefetch(param, views), role, teamParam, usageSettledByHandler, modelChoice);
    }

    /** The same gate, for members with {@code minimum} or a higher role only. */
    public Gate requiring(Role minimum) {
        return new Gate(scope, feature, resource, units, prefetch, minimum, teamParam, usageSettledByHandler, modelChoice);
    }

    /** The same gate for a route about the team its path parameter {@code param} names (see the class comment). */
    public Gate forTeam(String param) {
        return new Gate(scope, feature, resource, units, prefetch, role, param, usageSettledByHandler, modelChoice);
    }

    public boolean isPublic() {
        return scope == null;
    }

    /** Why a gate turns a caller away before any limit is counted; see {@link #refusal}. */
    public enum Refusal { ROLE, SCOPE, PLAN }

    /**
     * What {@code p} lacks to pass, in the order the API answers it (the role first: a member is refused for who they
     * are, whatever a key says), or null when it may pass. The API's access hook and the web console both decide
     * with this, so a page and its API route can never disagree.
     */
    public Refusal refusal(io.tunetrail.api.auth.Principal p) {
        if (role != null && !p.role().atLeast(role)) {
            return Refusal.ROLE;
        }
        if (scope != null && !p.has(scope)) {
            return Refusal.SCOPE;
        }
        if (feature != null && !p.plan().hasFeature(feature)) {
            return Refusal.PLAN;
        }
        return null;
    }
}
