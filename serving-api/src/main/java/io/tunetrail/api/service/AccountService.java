package io.tunetrail.api.service;

import io.tunetrail.api.auth.ApiKey;
import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.model.PlanCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys, teams, members and the org's plan view. Free of HTTP: callers pass the {@link Principal}; an id of
 * another org is "not found", never "forbidden".
 */
public final class AccountService {
    private static final Set<String> ROLES = Set.of("owner", "admin", "member");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    public record CreateKeyRequest(String name, List<String> scopes, String teamId, String memberId, Instant expiresAt) {
        public CreateKeyRequest {
            memberId = Check.optionalId("member_id", memberId);
            name = Check.text("name", name, 200);
            scopes = scopes == null || scopes.isEmpty() ? List.of(Scope.READ.wireName()) : List.copyOf(scopes);
            for (int i = 0; i < scopes.size(); i++) {
                if (Scope.fromWire(scopes.get(i)) == null) {
                    throw Check.invalid("scopes[" + i + "]", "'" + scopes.get(i) + "' is not a scope; use read, write or admin");
                }
            }
            teamId = Check.optionalId("team_id", teamId);
        }
    }

    public record CreatedKey(ApiKey key, String secret, String note) {}

    public record CreateTeamRequest(String name) {
        public CreateTeamRequest {
            name = Check.text("name", name, 200);
        }
    }

    public record AddMemberRequest(String email, String role) {
        public AddMemberRequest {
            email = Check.text("email", email, 320);
            if (!EMAIL.matcher(email).matches()) {
                throw Check.invalid("email", "'email' is not an e-mail address");
            }
            role = role == null ? "member" : role;
            if (!ROLES.contains(role)) {
                throw Check.invalid("role", "'role' must be owner, admin or member");
            }
        }
    }

    public record PlanView(String orgId, String name, String planId, String planName, String edition, List<String> features,
            Map<String, PlanCatalog.Limit> limits, PlanCatalog.RateLimit rateLimit, String modelPolicy) {}

    private final ApiKeyStore keys;
    private final TeamStore teams;
    private final OrgStore orgs;
    private final Authenticator authenticator;
    private final Clock clock;

    public AccountService(ApiKeyStore keys, TeamStore teams, OrgStore orgs, Authenticator authenticator, Clock clock) {
        this.keys = keys;
        this.teams = teams;
        this.orgs = orgs;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    // --- keys ------------------------------------------------------------------------------------------------

    /**
     * Creates a key. Keys made through the API always belong to a member: the caller's own member by default, or
     * {@code member_id}, whose role may not be above the caller's. Only an org key (the operator's) makes org keys,
     * so no one gains authority by minting a key.
     */
    public CreatedKey createKey(Principal p, CreateKeyRequest r) {
        if (r.expiresAt() != null && !r.expiresAt().isAfter(clock.instant())) {
            throw Check.invalid("expires_at", "'expires_at' must be in the future");
        }
        if (r.teamId() != null) {
            teams.team(p.orgId(), r.teamId()).orElseThrow(() -> ApiErrors.notFound("team", r.teamId()));
        }
        String memberId = p.memberId();
        if (r.memberId() != null) {
            TeamStore.Member m = teams.member(p.orgId(), r.memberId()).orElseThrow(() -> ApiErrors.notFound("member", r.memberId()));
            requireAtLeast(p, roleOf(m));
            memberId = m.memberId();
        }
        ApiKeyStore.CreatedKey created = keys.create(p.orgId(), r.teamId(), memberId, r.name(), r.scopes(), r.expiresAt());
        return shown(created);
    }

    /** Refuses (403 insufficient_role) when the caller's role is below {@code role}. */
    private static void requireAtLeast(Principal p, Role role) {
        if (!p.role().atLeast(role)) {
            throw ApiErrors.insufficientRole(role.wireName(), p.role().wireName());
        }
    }

    private static Role roleOf(TeamStore.Member m) {
        return Objects.requireNonNullElse(Role.fromWire(m.role()), Role.MEMBER);
    }

    /** The authority a key acts with: its member's role, or owner for an org key. */
    private Role roleOfKey(String orgId, ApiKey key) {
        return key.memberId() == null ? Role.OWNER : teams.member(orgId, key.memberId()).map(AccountService::roleOf).orElse(Role.MEMBER);
    }

    public List<ApiKey> keys(Principal p, String teamId) {
        return keys.list(p.orgId(), Check.optionalId("team_id", teamId));
    }

    public ApiKey key(Principal p, String keyId) {
        return keys.get(p.orgId(), Check.id("key_id", keyId)).orElseThrow(() -> ApiErrors.notFound("API key", keyId));
    }

    public ApiKey revoke(Principal p, String keyId) {
        requireAtLeast(p, roleOfKey(p.orgId(), key(p, keyId)));
        ApiKey revoked = keys.revoke(p.orgId(), Check.id("key_id", keyId), clock.instant())
                .orElseThrow(() -> ApiErrors.notFound("API key", keyId));
        authenticator.forgetKey(keyId);
        return revoked;
    }

    public CreatedKey rotate(Principal p, String keyId) {
        // A new secret for a key of higher authority would hand that authority to the caller.
        requireAtLeast(p, roleOfKey(p.orgId(), key(p, keyId)));
        ApiKeyStore.CreatedKey created = keys.rotate(p.orgId(), Check.id("key_id", keyId), clock.instant())
                .orElseThrow(() -> ApiErrors.notFound("API key", keyId));
        authenticator.forgetKey(keyId);
        return shown(created);
    }

    private static CreatedKey shown(ApiKeyStore.CreatedKey created) {
        return new CreatedKey(created.key(), created.secret(), "Store the secret now: it is shown only once and cannot be recovered.");
    }

    // --- teams -----------------------------------------------------------------------------------------------

    public TeamStore.Team createTeam(Principal p, CreateTeamRequest r) {
        if (teams.teams(p.orgId()).stream().anyMatch(t -> t.name().equalsIgnoreCase(r.name()))) {
            throw ApiErrors.conflict("team_exists", "A team named '" + r.name() + "' exists already; choose another name");
        }
        return teams.createTeam(p.orgId(), ApiKeySecrets.newId("team"), r.name());
    }

    public List<TeamStore.Team> teams(Principal p) {
        return teams.teams(p.orgId());
    }

    public TeamStore.Team team(Principal p, String teamId) {
        return teams.team(p.orgId(), Check.id("team_id", teamId)).orElseThrow(() -> ApiErrors.notFound("team", teamId));
    }

    public void deleteTeam(Principal p, String teamId) {
        if (!teams.deleteTeam(p.orgId(), Check.id("team_id", teamId))) {
            throw ApiErrors.notFound("team", teamId);
        }
    }

    public TeamStore.Member addMember(Principal p, String teamId, AddMemberRequest r) {
        team(p, teamId);
        // An admin may add members and admins; only an owner makes (or re-roles someone into) an owner.
        requireAtLeast(p, Role.fromWire(r.role()));
        teams.memberByEmail(p.orgId(), r.email()).ifPresent(existing -> requireAtLeast(p, roleOf(existing)));
        Long seats = p.plan().limit("team_members").max();
        if (seats != null && teams.memberByEmail(p.orgId(), r.email()).isEmpty() && teams.memberCount(p.orgId()) >= seats) {
            throw ApiErrors.seatLimit(String.format(Locale.ROOT, "The %s plan includes %d team members and all are taken; "
                    + "remove a member or upgrade the plan", p.plan().displayName(), seats));
        }
        return teams.addMember(p.orgId(), teamId, ApiKeySecrets.newId("member"), r.email(), r.role());
    }

    public List<TeamStore.Member> members(Principal p, String teamId) {
        team(p, teamId);
        return teams.members(p.orgId(), teamId);
    }

    // --- org -------------------------------------------------------------------------------------------------

    public PlanView plan(Principal p) {
        OrgStore.Org org = orgs.get(p.orgId()).orElseThrow(() -> ApiErrors.notFound("organisation", p.orgId()));
        PlanCatalog.Plan plan = p.plan();
        return new PlanView(org.orgId(), org.name(), plan.id(), plan.displayName(), org.edition(), List.copyOf(plan.features()),
                plan.limits(), plan.rateLimit(), plan.modelPolicy().name().toLowerCase(Locale.ROOT));
    }
}
