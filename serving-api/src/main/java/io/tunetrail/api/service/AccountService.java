package io.tunetrail.api.service;

import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.audit.AuditLog;
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
import java.util.Optional;
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
            // No default here: for a person who is a member already, an absent role means "keep theirs".
            if (role != null && !ROLES.contains(role)) {
                throw Check.invalid("role", "'role' must be owner, admin or member");
            }
        }
    }

    /** PUT /teams/{team_id}: a team's new name. */
    public record RenameTeamRequest(String name) {
        public RenameTeamRequest {
            name = Check.text("name", name, 200);
        }
    }

    /** POST /org/ownership: the member who becomes the owner in place of the caller. */
    public record TransferOwnershipRequest(String memberId) {
        public TransferOwnershipRequest {
            memberId = Check.id("member_id", memberId);
        }
    }

    /** A person removed from the org, and how many of their keys stopped working with it. */
    public record RemovedMember(TeamStore.Member member, int keysRevoked) {}

    /** PUT /members/{member_id}/role: the one way to change a person's role. */
    public record ChangeRoleRequest(String role) {
        public ChangeRoleRequest {
            Check.required("role", role);
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
    private final ThresholdAlerts alerts;
    private final Clock clock;

    public AccountService(ApiKeyStore keys, TeamStore teams, OrgStore orgs, Authenticator authenticator, ThresholdAlerts alerts, Clock clock) {
        this.keys = keys;
        this.teams = teams;
        this.orgs = orgs;
        this.authenticator = authenticator;
        this.alerts = alerts;
        this.clock = clock;
    }

    // --- keys ------------------------------------------------------------------------------------------------

    /**
     * Creates a key. Keys made through the API always belong to a member: the caller's own member by default, or
     * {@code member_id}, whose role may not be above the caller's. Only an org key (the operator's) makes org keys,
     * so no one gains authority by minting a key: its scopes must be ones its member's role allows, it expires no
     * later than the calling key (by default when the calling key does), and a team's key makes keys of its team only.
     */
    public CreatedKey createKey(Principal p, CreateKeyRequest r) {
        if (r.expiresAt() != null && !r.expiresAt().isAfter(clock.instant())) {
            throw Check.invalid("expires_at", "'expires_at' must be in the future");
        }
        Instant expiresAt = r.expiresAt() == null ? p.keyExpiresAt() : r.expiresAt();
        if (p.keyExpiresAt() != null && expiresAt.isAfter(p.keyExpiresAt())) {
            // Otherwise a key about to expire renews itself by minting a successor that never does.
            throw ApiErrors.outlivesCaller(p.keyExpiresAt());
        }
        String teamId = r.teamId() == null ? p.teamId() : r.teamId();
        if (teamId != null && (!sameTeam(p, teamId) || teams.team(p.orgId(), teamId).isEmpty())) {
            throw ApiErrors.notFound("team", teamId);
        }
        String memberId = p.memberId();
        Role role = p.role();
        if (r.memberId() != null) {
            TeamStore.Member m = teams.member(p.orgId(), r.memberId()).orElseThrow(() -> ApiErrors.notFound("member", r.memberId()));
            requireAtLeast(p, roleOf(m));
            memberId = m.memberId();
            role = roleOf(m);
        }
        for (int i = 0; i < r.scopes().size(); i++) {
            if (!role.allows(Scope.fromWire(r.scopes().get(i)))) {
                throw ApiErrors.scopeAboveRole("scopes[" + i + "]", r.scopes().get(i), role.wireName());
            }
        }
        ApiKeyStore.CreatedKey created = keys.create(p.orgId(), teamId, memberId, r.name(), r.scopes(), expiresAt, AuditLog.Actor.of(p));
        return shown(created);
    }

    /** Whether {@code teamId} is one the caller may act for: any of the org's for an org-wide key, its own for a team's. */
    private static boolean sameTeam(Principal p, String teamId) {
        return p.teamId() == null || p.teamId().equals(teamId);
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
        String team = teamId == null ? p.teamId() : Check.id("team_id", teamId);
        if (team != null && !sameTeam(p, team)) {
            throw ApiErrors.notFound("team", team);
        }
        return keys.list(p.orgId(), team);
    }

    /** A key of the caller's org (and, for a team's key, of its team); another's is not found. */
    public ApiKey key(Principal p, String keyId) {
        return keys.get(p.orgId(), Check.id("key_id", keyId)).filter(k -> p.teamId() == null || p.teamId().equals(k.teamId()))
                .orElseThrow(() -> ApiErrors.notFound("API key", keyId));
    }

    public ApiKey revoke(Principal p, String keyId) {
        requireAtLeast(p, roleOfKey(p.orgId(), key(p, keyId)));
        ApiKey revoked = keys.revoke(p.orgId(), Check.id("key_id", keyId), clock.instant(), AuditLog.Actor.of(p))
                .orElseThrow(() -> ApiErrors.notFound("API key", keyId));
        authenticator.forgetKey(keyId);
        return revoked;
    }

    public CreatedKey rotate(Principal p, String keyId) {
        ApiKey old = key(p, keyId);
        if (old.expiresAt() != null && !clock.instant().isBefore(old.expiresAt())) {
            throw ApiErrors.keyExpired(keyId);
        }
        // A new secret for a key of higher authority would hand that authority to the caller.
        requireAtLeast(p, roleOfKey(p.orgId(), old));
        ApiKeyStore.CreatedKey created = keys.rotate(p.orgId(), Check.id("key_id", keyId), clock.instant(), AuditLog.Actor.of(p))
                .orElseThrow(() -> ApiErrors.notFound("API key", keyId));
        authenticator.forgetKey(keyId);
        return shown(created);
    }

    private static CreatedKey shown(ApiKeyStore.CreatedKey created) {
        return new CreatedKey(created.key(), created.secret(), "Store the secret now: it is shown only once and cannot be recovered.");
    }

    // --- teams -----------------------------------------------------------------------------------------------

    public TeamStore.Team createTeam(Principal p, CreateTeamRequest r) {
        if (p.teamId() != null) {
            throw ApiErrors.teamKeyNotAllowed("create teams");
        }
        if (teams.teams(p.orgId()).stream().anyMatch(t -> t.name().equalsIgnoreCase(r.name()))) {
            throw ApiErrors.conflict("team_exists", "A team named '" + r.name() + "' exists already; choose another name");
        }
        return teams.createTeam(p.orgId(), ApiKeySecrets.newId("team"), r.name(), AuditLog.Actor.of(p));
    }

    public List<TeamStore.Team> teams(Principal p) {
        return teams.teams(p.orgId()).stream().filter(t -> sameTeam(p, t.teamId())).toList();
    }

    public TeamStore.Team team(Principal p, String teamId) {
        return teams.team(p.orgId(), Check.id("team_id", teamId)).orElseThrow(() -> ApiErrors.notFound("team", teamId));
    }

    public void deleteTeam(Principal p, String teamId) {
        if (!teams.deleteTeam(p.orgId(), Check.id("team_id", teamId), AuditLog.Actor.of(p))) {
            throw ApiErrors.notFound("team", teamId);
        }
    }

    /**
     * Renames a team. The name check here gives the usual 409 {@code team_exists}; the unique constraint on
     * (org, name) still refuses a concurrent rename to the same name (409 from the database).
     */
    public TeamStore.Team renameTeam(Principal p, String teamId, RenameTeamRequest r) {
        team(p, teamId);
        if (teams.teams(p.orgId()).stream().anyMatch(t -> t.name().equalsIgnoreCase(r.name()) && !t.teamId().equals(teamId))) {
            throw ApiErrors.conflict("team_exists", "A team named '" + r.name() + "' exists already; choose another name");
        }
        return teams.renameTeam(p.orgId(), teamId, r.name(), AuditLog.Actor.of(p)).orElseThrow(() -> ApiErrors.notFound("team", teamId));
    }

    /** Takes a person out of one team; their seat, role and keys stay. The caller must stand at or above their role. */
    public void removeFromTeam(Principal p, String teamId, String memberId) {
        team(p, teamId);
        TeamStore.Member m = teams.members(p.orgId(), teamId).stream().filter(t -> t.memberId().equals(Check.id("member_id", memberId)))
                .findFirst().orElseThrow(() -> ApiErrors.notFound("member of team " + teamId, memberId));
        requireAtLeast(p, roleOf(m));
        if (!teams.removeFromTeam(p.orgId(), teamId, m.memberId(), AuditLog.Actor.of(p))) {
            throw ApiErrors.notFound("member of team " + teamId, memberId);
        }
    }

    /**
     * Removes a person from the organisation (their own key may: that is leaving): out of every team, seat freed,
     * keys revoked at once. The caller must stand at or above their role; the last owner can neither leave nor be
     * removed. A team's key cannot: a person's seat is the org's, not the team's.
     */
    public RemovedMember removeMember(Principal p, String memberId) {
        if (p.teamId() != null) {
            throw ApiErrors.teamKeyNotAllowed("remove people from the organisation; remove them from the team instead");
        }
        TeamStore.Member m = teams.member(p.orgId(), Check.id("member_id", memberId)).orElseThrow(() -> ApiErrors.notFound("member", memberId));
        requireAtLeast(p, roleOf(m));
        TeamStore.Outcome done = teams.removeMember(p.orgId(), m.memberId(), clock.instant(), AuditLog.Actor.of(p));
        refuseIfRefused(done, m);
        authenticator.forgetOrg(p.orgId());
        return new RemovedMember(done.member(), done.keysRevoked());
    }

    /**
     * Hands the org's ownership from the calling owner to another member: they become an owner and the caller an
     * admin, atomically. Needs a member's key (an org key stands for no one who could step down).
     */
    public TeamStore.Member transferOwnership(Principal p, TransferOwnershipRequest r) {
        if (p.memberId() == null) {
            throw ApiErrors.ownershipNeedsMember();
        }
        if (r.memberId().equals(p.memberId())) {
            throw Check.invalid("member_id", "'member_id' is the caller's own member; name the member who becomes the owner");
        }
        TeamStore.Member to = teams.member(p.orgId(), r.memberId()).orElseThrow(() -> ApiErrors.notFound("member", r.memberId()));
        TeamStore.Outcome done = teams.transferOwnership(p.orgId(), p.memberId(), to.memberId(), AuditLog.Actor.of(p));
        refuseIfRefused(done, to);
        authenticator.forgetOrg(p.orgId());
        return done.member();
    }

    private static void refuseIfRefused(TeamStore.Outcome outcome, TeamStore.Member m) {
        if (outcome.refusal() == null) {
            return;
        }
        throw switch (outcome.refusal()) {
            case NOT_FOUND -> ApiErrors.notFound("member", m.memberId());
            case LAST_OWNER -> ApiErrors.conflict("last_owner", "'" + m.email() + "' is the organisation's last owner; make another member "
                    + "an owner first (or transfer ownership: POST /api/v1/org/ownership)");
            case NOT_OWNER -> ApiErrors.conflict("not_owner", "The calling key's member is no longer an owner (another change came first); "
                    + "nothing was changed");
        };
    }

    /**
     * Adds a person to a team. A person new to the org gets a seat with the role asked for (member by default); one
     * who has a seat already keeps their role: asking for another role is a 409 that names the role route, so adding
     * someone to a team can never silently demote (or promote) them.
     */
    public TeamStore.Member addMember(Principal p, String teamId, AddMemberRequest r) {
        team(p, teamId);
        Optional<TeamStore.Member> existing = teams.memberByEmail(p.orgId(), r.email());
        if (existing.isPresent()) {
            TeamStore.Member m = existing.get();
            requireAtLeast(p, roleOf(m));
            if (r.role() != null && !r.role().equals(m.role())) {
                throw ApiErrors.conflict("member_exists", "'" + m.email() + "' is already a member of the organisation, with role '" + m.role()
                        + "'; adding them to a team does not change it. Change it with PUT /api/v1/members/" + m.memberId() + "/role");
            }
            return teams.addMember(p.orgId(), teamId, m.memberId(), m.email(), m.role(), AuditLog.Actor.of(p));
        }
        String role = r.role() == null ? Role.MEMBER.wireName() : r.role();
        // An admin may add members and admins; only an owner makes an owner.
        requireAtLeast(p, Role.fromWire(role));
        Long seats = p.plan().limit("team_members").max();
        long before = seats == null ? 0 : teams.memberCount(p.orgId());
        if (seats != null && before >= seats) {
            throw ApiErrors.seatLimit(String.format(Locale.ROOT, "The %s plan includes %d team members and all are taken; "
                    + "remove a member or upgrade the plan", p.plan().displayName(), seats));
        }
        TeamStore.Member added = teams.addMember(p.orgId(), teamId, ApiKeySecrets.newId("member"), r.email(), role, AuditLog.Actor.of(p));
        if (seats != null) {
            alerts.heldCountRose(p.orgId(), p.plan(), p.communityEdition(), "team_members", before, teams.memberCount(p.orgId()), clock.instant());
        }
        return added;
    }

    /**
     * Changes a person's role. The caller must stand at or above both the old and the new role (an admin cannot touch
     * an owner or make one), and the org's last owner stays an owner. Their keys act with the new role at once on this
     * instance (within the key cache lifetime on others); scopes the new role does not allow stop working.
     */
    public TeamStore.Member changeRole(Principal p, String memberId, ChangeRoleRequest r) {
        TeamStore.Member m = teams.member(p.orgId(), Check.id("member_id", memberId))
                .filter(found -> p.teamId() == null || teams.members(p.orgId(), p.teamId()).stream().anyMatch(t -> t.memberId().equals(found.memberId())))
                .orElseThrow(() -> ApiErrors.notFound("member", memberId));
        requireAtLeast(p, roleOf(m));
        requireAtLeast(p, Role.fromWire(r.role()));
        TeamStore.Outcome changed = teams.changeRole(p.orgId(), m.memberId(), r.role(), AuditLog.Actor.of(p));
        refuseIfRefused(changed, m);
        authenticator.forgetOrg(p.orgId());
        return changed.member();
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
