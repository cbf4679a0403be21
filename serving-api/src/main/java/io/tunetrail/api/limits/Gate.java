package io.tunetrail.api.limits;

import io.javalin.security.RouteRole;
import io.tunetrail.api.auth.Scope;

/**
 * What a route requires, declared with the route and enforced by the one access hook
 * ({@link io.tunetrail.api.http.AccessHook}): an API key with {@code scope}, a plan with {@code feature} (or any
 * plan when null), and {@code units} of the metered {@code resource} (null: not metered).
 */
public record Gate(Scope scope, String feature, String resource, long units) implements RouteRole {
    /** No key needed (documentation, Stripe's webhook, which authenticates by signature). */
    public static final Gate PUBLIC = new Gate(null, null, null, 0);

    public static final String API_CALLS = "api_calls";
    public static final String AUDIO_ANALYSIS = "audio_analysis";
    public static final String MODEL_TRAINING = "model_training";

    /** A metered API call needing {@code scope} and {@code feature}. */
    public static Gate metered(Scope scope, String feature) {
        return new Gate(scope, feature, API_CALLS, 1);
    }

    /** Management calls (keys, teams): authenticated and scoped, not counted against the API quota. */
    public static Gate unmetered(Scope scope, String feature) {
        return new Gate(scope, feature, null, 0);
    }

    public Gate withResource(String resourceName) {
        return new Gate(scope, feature, resourceName, 1);
    }

    public boolean isPublic() {
        return scope == null;
    }
}
