package io.tunetrail.api.auth;

import io.tunetrail.model.PlanCatalog;
import java.util.Set;

/**
 * Who is calling: the key, its org and the org's plan, resolved from the API key once per request. Everything the
 * request reads or writes is scoped to {@link #orgId()}. {@link #role()} is the role of the member the key belongs to
 * ({@link #memberId()}), or {@link Role#OWNER} for an org key (no member).
 */
public record Principal(String orgId, String keyId, String teamId, Set<Scope> scopes, PlanCatalog.Plan plan, boolean communityEdition,
        String memberId, Role role) {

    public boolean has(Scope scope) {
        // admin implies write implies read: a key never needs to list the lower scopes.
        return scopes.stream().anyMatch(s -> s.ordinal() >= scope.ordinal());
    }
}
