package io.tunetrail.api.auth;

import io.tunetrail.model.PlanCatalog;
import java.util.Set;

/**
 * Who is calling: the key, its org and the org's plan, resolved from the API key once per request. Everything the
 * request reads or writes is scoped to {@link #orgId()}. {@link #role()} is the role of the member the key belongs to
 * ({@link #memberId()}), or {@link Role#OWNER} for an org key (no member). {@link #scopes()} are the key's effective
 * scopes: those it was made with that the role allows. {@link #keyExpiresAt()} is when the key stops working (null:
 * never); keys it makes may not outlive it. A key with a {@link #teamId()} acts for that team only where a route is
 * team-scoped.
 */
public record Principal(String orgId, String keyId, String teamId, Set<Scope> scopes, PlanCatalog.Plan plan, boolean communityEdition,
        String memberId, Role role, java.time.Instant keyExpiresAt) {

    public boolean has(Scope scope) {
        // admin implies write implies read: a key never needs to list the lower scopes.
        return scopes.stream().anyMatch(s -> s.ordinal() >= scope.ordinal());
    }
}
