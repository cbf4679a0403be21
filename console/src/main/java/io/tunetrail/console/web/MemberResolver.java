package io.tunetrail.console.web;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.model.PlanCatalog;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * From a session cookie to the {@link Member} behind it, read afresh on every request: a role or plan changed a
 * moment ago applies to the next page, and a removed member's sessions stop working.
 */
final class MemberResolver {
    private final SessionStore sessions;
    private final TeamStore teams;
    private final OrgStore orgs;
    private final PlanCatalog plans;

    private final Branding branding;

    MemberResolver(SessionStore sessions, TeamStore teams, OrgStore orgs, PlanCatalog plans, Branding branding) {
        this.branding = branding;
        this.sessions = sessions;
        this.teams = teams;
        this.orgs = orgs;
        this.plans = plans;
    }

    Optional<Member> resolve(String cookie) {
        Optional<SessionStore.Session> found = sessions.find(cookie);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SessionStore.Session s = found.get();
        Optional<TeamStore.Member> person = teams.member(s.orgId(), s.memberId());
        Optional<OrgStore.Org> org = orgs.get(s.orgId());
        Optional<PlanCatalog.Plan> plan = org.flatMap(o -> plans.find(o.planId()));
        if (person.isEmpty() || plan.isEmpty()) {
            sessions.delete(s);
            return Optional.empty();
        }
        // An unknown role value falls to the lowest, as the API's authenticator does, never open.
        Role role = Objects.requireNonNullElse(Role.fromWire(person.get().role()), Role.MEMBER);
        Set<Scope> scopes = Arrays.stream(Scope.values()).filter(role::allows).collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        Principal principal = new Principal(s.orgId(), null, null, scopes, plan.get(), "community".equals(org.get().edition()),
                s.memberId(), role, null);
        // A plan without white label (a downgrade) keeps the stored one for later but shows the console's own.
        Views.Brand brand = plan.get().hasFeature(Branding.FEATURE) ? branding.of(s.orgId()).orElse(null) : null;
        return Optional.of(new Member(principal, s, person.get().email(), org.get().name(), brand));
    }
}
