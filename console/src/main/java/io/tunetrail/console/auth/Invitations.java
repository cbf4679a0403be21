package io.tunetrail.console.auth;

import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.model.PlanCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console invitations (table {@code console_invitations}, V89). An admin invites an e-mail address with a role (at
 * most their own, as the API's member routes allow) into a team or none; the link goes out through the e-mail outbox
 * in the same transaction. Accepting sets the password and creates the member (or gives a removed one their seat
 * back) and their console sign-in in one transaction, so nothing is saved half. The link's token is 256 random bits,
 * stored as SHA-256, works once and until it expires or is revoked. Every step is audited.
 */
public final class Invitations {
    /** An open invitation, for the teams page. */
    public record Open(long invitationId, String email, String role, String teamId, Instant createdAt, Instant expiresAt) {}

    /** An invitation whose link still works, for the page that accepts it. */
    public record Pending(String orgId, String email, String role) {}

    /** What accepting made: the member who can now sign in. */
    public record Accepted(String orgId, String memberId, String email) {}

    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final Sql sql;
    private final PlanCatalog plans;
    private final TeamStore teams;
    private final ThresholdAlerts alerts;
    private final Clock clock;
    private final Duration lifetime;
    private final String publicUrl;

    public Invitations(Sql sql, PlanCatalog plans, Clock clock, Duration lifetime, String publicUrl) {
        this.plans = plans;
        this.sql = sql;
        this.teams = new TeamStore(sql);
        this.alerts = ThresholdAlerts.recordedNow(new AlertStore(sql, clock));
        this.clock = clock;
        this.lifetime = lifetime;
        this.publicUrl = publicUrl;
    }

    /**
     * Invites {@code rawEmail} to the inviter's org with {@code rawRole}, into team {@code rawTeam} (empty: none).
     * Refused with the field that is wrong (bad input, a role above the inviter's, an address that can sign in
     * already), with 403 when the address belongs to a member above the inviter, with 409 when the seats (members
     * and open invitations) are taken. An open invitation to the same address is replaced: its link stops working.
     */
    public void invite(Principal inviter, String inviterEmail, String orgName, String rawEmail, String rawRole, String rawTeam) {
        String email = Objects.requireNonNullElse(rawEmail, "").trim();
        if (email.isEmpty() || email.length() > 320 || !EMAIL.matcher(email).matches()) {
            throw Check.invalid("email", "Enter the e-mail address of the person to invite, such as ana@example.com.");
        }
        Role role = Role.fromWire(Objects.requireNonNullElse(rawRole, ""));
        if (role == null) {
            throw Check.invalid("role", "Choose a role: owner, admin or member.");
        }
        if (!inviter.role().atLeast(role)) {
            // The API's rule for adding members: an admin adds members and admins, only an owner makes an owner.
            throw Check.invalid("role", "You can invite members with your own role (" + inviter.role().wireName() + ") or a lower one, not "
                    + role.wireName() + ".");
        }
        String teamId = rawTeam == null || rawTeam.isBlank() ? null : rawTeam.trim();
        if (teamId != null && teams.team(inviter.orgId(), teamId).isEmpty()) {
            throw Check.invalid("team", "Choose one of the organisation's teams, or no team.");
        }
        sql.one("checking the invited address", "SELECT org_id FROM console_credentials WHERE lower(login_email) = lower(?)",
                ps -> ps.setString(1, email), rs -> rs.getString(1)).ifPresent(org -> {
                    throw Check.invalid("email", "'" + email + "' can sign in to the console already; a console address belongs to one "
                            + "member of one organisation.");
                });
        Optional<TeamStore.Member> existing = teams.memberByEmail(inviter.orgId(), email);
        if (existing.isPresent()) {
            Role theirs = Objects.requireNonNullElse(Role.fromWire(existing.get().role()), Role.MEMBER);
            if (!inviter.role().atLeast(theirs)) {
                throw ApiErrors.insufficientRole(theirs.wireName(), inviter.role().wireName());
            }
            if (theirs != role) {
                throw Check.invalid("role", "'" + email + "' is a member already, with role '" + theirs.wireName()
                        + "'; invite them with that role (an invitation does not change roles; the members table above does).");
            }
        } else {
            Long seats = inviter.plan().limit("team_members").max();
            if (seats != null && teams.memberCount(inviter.orgId()) + openOtherThan(inviter.orgId(), email) >= seats) {
                throw ApiErrors.seatLimit(String.format(Locale.ROOT, "The %s plan includes %d team members, and members and open "
                        + "invitations take them all; revoke an invitation, remove a member or upgrade the plan", inviter.plan().displayName(), seats));
            }
        }
        String token = SessionStore.random();
        Instant expires = clock.instant().plus(lifetime);
        sql.transaction("inviting " + email, c -> {
            AuditLog.Actor actor = AuditLog.Actor.of(inviter);
            for (long replaced : revokeOpen(c, inviter.orgId(), email)) {
                AuditLog.record(c, inviter.orgId(), actor, "member.invitation_revoked", "invitation", Long.toString(replaced),
                        Map.of("email", email, "reason", "replaced by a new invitation"));
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_invitations (org_id, email, role, team_id, token_hash, created_by, "
                    + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING invitation_id")) {
                ps.setString(1, inviter.orgId());
                ps.setString(2, email);
                ps.setString(3, role.wireName());
                ps.setString(4, teamId);
                ps.setString(5, SessionStore.digest(token));
                ps.setString(6, inviter.memberId());
                ps.setTimestamp(7, Timestamp.from(clock.instant()));
                ps.setTimestamp(8, Timestamp.from(expires));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            EmailOutbox.queue(c, inviter.orgId(), email, "You are invited to " + orgName + " on TuneTrail",
                    inviterEmail + " invited you to the TuneTrail console of " + orgName + " as " + role.wireName() + ".\n\n"
                            + "Choose your password and sign in here (the link works once, until " + OneTimeLinks.WHEN.format(expires) + "):\n"
                            + publicUrl + "/console/invitation?token=" + token + "\n\nIf you did not expect this, ignore this e-mail.\n");
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("email", email);
            details.put("role", role.wireName());
            details.put("expires_at", expires.toString());
            if (teamId != null) {
                details.put("team_id", teamId);
            }
            AuditLog.record(c, inviter.orgId(), actor, "member.invited", "invitation", Long.toString(id), details);
            return null;
        });
    }

    /** The org's invitations that are neither accepted, revoked nor expired, newest first. */
    public List<Open> open(String orgId) {
        return sql.list("listing open invitations", "SELECT invitation_id, email, role, team_id, created_at, expires_at FROM console_invitations "
                + "WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC", ps -> {
                    ps.setString(1, orgId);
                    ps.setTimestamp(2, Timestamp.from(clock.instant()));
                }, rs -> new Open(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "expires_at")));
    }

    /** Revokes an open invitation of the caller's org; another org's, or none, is 404 (as the API answers). */
    public void revoke(Principal p, String rawId) {
        long id;
        try {
            id = Long.parseLong(Objects.requireNonNullElse(rawId, ""));
        } catch (NumberFormatException e) {
            throw ApiErrors.notFound("invitation", rawId);
        }
        sql.transaction("revoking invitation " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE console_invitations SET revoked_at = ? WHERE org_id = ? AND invitation_id = ? "
                    + "AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, p.orgId());
                ps.setLong(3, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiErrors.notFound("invitation", rawId);
                    }
                    AuditLog.record(c, p.orgId(), AuditLog.Actor.of(p), "member.invitation_revoked", "invitation", Long.toString(id),
                            Map.of("email", rs.getString(1)));
                }
            }
            return null;
        });
    }

    /** The invitation of a link that still works; empty for one unknown, used, revoked or expired (the page says the same). */
    public Optional<Pending> find(String token) {
        if (!OneTimeLinks.wellFormed(token)) {
            return Optional.empty();
        }
        return sql.one("reading an invitation", "SELECT org_id, email, role FROM console_invitations WHERE token_hash = ? "
                + "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", ps -> {
                    ps.setString(1, SessionStore.digest(token));
                    ps.setTimestamp(2, Timestamp.from(clock.instant()));
                }, rs -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /**
     * Accepts the invitation of {@code token} with the password hash chosen: the member (with the invited role, or
     * their current one if they are a member already) and their console sign-in, in one transaction with marking the
     * invitation used. Empty when the link does not work (any reason), and then nothing changed. A new seat alerts the
     * {@code team_members} thresholds it crosses, as an add through the API does.
     */
    public Optional<Accepted> accept(String token, String passwordHash, String clientAddress) {
        if (!OneTimeLinks.wellFormed(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        record Outcome(Accepted accepted, SeatTaken seat) {}
        Optional<Outcome> outcome = sql.transaction("accepting an invitation", c -> {
            record Row(String orgId, long id, String email, String role, String teamId) {}
            Row row;
            try (PreparedStatement ps = c.prepareStatement("SELECT org_id, invitation_id, email, role, team_id FROM console_invitations "
                    + "WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? FOR UPDATE")) {
                ps.setString(1, SessionStore.digest(token));
                ps.setTimestamp(2, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Outcome>empty();
                    }
                    row = new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
                }
            }
            if (exists(c, "SELECT 1 FROM console_credentials WHERE lower(login_email) = lower(?)", row.email())) {
                // Someone took the address for a sign-in since the invitation was sent: the link has nothing left to do.
                return Optional.<Outcome>empty();
            }
            SeatTaken seat = requireFreeSeat(c, row.orgId(), row.email());
            String memberId = memberIdOf(c, row.orgId(), row.email());
            AuditLog.Actor actor = new AuditLog.Actor("console", null, memberId);
            TeamStore.Member member = TeamStore.addMember(c, row.orgId(), row.teamId(), memberId, row.email(), row.role(), actor);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_credentials (org_id, member_id, login_email, password_hash) "
                    + "VALUES (?, ?, ?, ?)")) {
                ps.setString(1, row.orgId());
                ps.setString(2, member.memberId());
                ps.setString(3, row.email());
                ps.setString(4, passwordHash);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE console_invitations SET accepted_at = ?, accepted_member_id = ? "
                    + "WHERE org_id = ? AND invitation_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, member.memberId());
                ps.setString(3, row.orgId());
                ps.setLong(4, row.id());
                ps.executeUpdate();
            }
            AuditLog.record(c, row.orgId(), actor, "member.invitation_accepted", "member", member.memberId(),
                    Map.of("invitation_id", row.id(), "email", row.email(), "role", member.role(), "client_address", clientAddress));
            return Optional.of(new Outcome(new Accepted(row.orgId(), member.memberId(), row.email()), seat));
        });
        // After the commit: an alert never announces a member whose acceptance was rolled back.
        outcome.map(Outcome::seat).ifPresent(seat -> alerts.heldCountRose(seat.orgId(), seat.plan(), seat.communityEdition(), "team_members",
                seat.membersBefore(), teams.memberCount(seat.orgId()), clock.instant()));
        return outcome.map(Outcome::accepted);
    }

    /** A seat an acceptance took from a plan that limits them, and how many members the org had before. */
    private record SeatTaken(String orgId, PlanCatalog.Plan plan, boolean communityEdition, long membersBefore) {}

    /**
     * Refuses (409, the transaction rolled back, the link left open) an acceptance that would take a seat the org's
     * plan no longer has: the invitation held one when it was sent, but the plan may have been downgraded or members
     * added through the API since. The org's row is locked first, as every change of membership locks it, so two
     * acceptances racing for the last seat are decided one after the other. A current member takes no new seat.
     *
     * @return the seat taken; null when none is, or the plan does not limit them
     */
    private SeatTaken requireFreeSeat(Connection c, String orgId, String email) throws SQLException {
        String planId;
        boolean communityEdition;
        try (PreparedStatement ps = c.prepareStatement("SELECT plan_id, edition FROM organisations WHERE org_id = ? FOR NO KEY UPDATE")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the invitation's org " + orgId + " does not exist");
                }
                planId = rs.getString(1);
                communityEdition = "community".equals(rs.getString(2));
            }
        }
        PlanCatalog.Plan plan = plans.plan(planId);
        Long seats = plan.limit("team_members").max();
        if (seats == null) {
            return null;
        }
        long members;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE removed_at IS NULL), "
                + "count(*) FILTER (WHERE removed_at IS NULL AND lower(email) = lower(?)) FROM members WHERE org_id = ?")) {
            ps.setString(1, email);
            ps.setString(2, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(2) > 0) {
                    return null;
                }
                members = rs.getLong(1);
            }
        }
        if (members >= seats) {
            throw ApiErrors.seatLimit(String.format(Locale.ROOT, "This invitation cannot be accepted now: the %s plan of the organisation "
                    + "includes %d team members and all %d seats are taken. Nothing was saved and your link still works: ask the person who "
                    + "invited you to free a seat or upgrade the plan, then open the link again.", plan.displayName(), seats, members));
        }
        return new SeatTaken(orgId, plan, communityEdition, members);
    }

    /** The id of the org's member with {@code email}, removed ones included (they get their seat back); a new id if none. */
    private static String memberIdOf(Connection c, String orgId, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT member_id FROM members WHERE org_id = ? AND lower(email) = lower(?)")) {
            ps.setString(1, orgId);
            ps.setString(2, email);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : ApiKeySecrets.newId("member");
            }
        }
    }

    private static boolean exists(Connection c, String query, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private long openOtherThan(String orgId, String email) {
        return sql.one("counting open invitations", "SELECT count(*) FROM console_invitations WHERE org_id = ? AND lower(email) <> lower(?) "
                + "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, email);
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                }, rs -> rs.getLong(1)).orElse(0L);
    }

    private List<Long> revokeOpen(Connection c, String orgId, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE console_invitations SET revoked_at = ? WHERE org_id = ? AND lower(email) = lower(?) "
                + "AND accepted_at IS NULL AND revoked_at IS NULL RETURNING invitation_id")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, orgId);
            ps.setString(3, email);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> ids = new java.util.ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            }
        }
    }
}
