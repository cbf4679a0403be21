package io.tunetrail.api.store;

import io.tunetrail.api.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Teams and members of an org. Every method takes the org and touches nothing of another org. Every change runs in
 * one transaction together with its {@link AuditLog} entry.
 *
 * <p>The owner rule (an org always keeps an owner) is kept by a row lock: every change that could take away an owner
 * (a role change, a removal, a transfer) first locks the org's {@code organisations} row ({@code FOR NO KEY UPDATE},
 * which does not block inserts elsewhere that reference the org) and counts owners under that lock, so two such
 * changes of one org run one after the other and the second sees what the first did.
 */
public final class TeamStore {
    public record Team(String teamId, String name, Instant createdAt) {}

    public record Member(String memberId, String email, String role, Instant createdAt) {}

    /** Why a change guarded by the owner rule was not made. */
    public enum Refusal {
        /** No current member of the org has that id. */
        NOT_FOUND,
        /** The change would leave the org without an owner. */
        LAST_OWNER,
        /** The member handing ownership over is not an owner (any more). */
        NOT_OWNER
    }

    /**
     * The member after a change, or why it was refused (then {@code member} is null); for a removal, how many of their
     * keys it revoked.
     */
    public record Outcome(Member member, Refusal refusal, int keysRevoked) {
        static Outcome refused(Refusal why) {
            return new Outcome(null, why, 0);
        }

        static Outcome done(Member member) {
            return new Outcome(member, null, 0);
        }
    }

    /** The columns {@link #readMember} reads, in its order. */
    private static final String MEMBER_COLUMNS = "member_id, email, role, created_at";

    private static Member readMember(ResultSet rs) throws SQLException {
        return new Member(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at"));
    }

    private static Team readTeam(ResultSet rs) throws SQLException {
        return new Team(rs.getString(1), rs.getString(2), Sql.instant(rs, "created_at"));
    }

    private final Sql sql;

    public TeamStore(Sql sql) {
        this.sql = sql;
    }

    /** As {@link #createTeam(String, String, String, AuditLog.Actor)}, by the operator. */
    public Team createTeam(String orgId, String teamId, String name) {
        return createTeam(orgId, teamId, name, AuditLog.Actor.OPERATOR);
    }

    public Team createTeam(String orgId, String teamId, String name, AuditLog.Actor actor) {
        return sql.transaction("creating team " + name, c -> {
            Team t;
            try (var ps = c.prepareStatement("INSERT INTO teams (org_id, team_id, name) VALUES (?, ?, ?) RETURNING team_id, name, created_at")) {
                ps.setString(1, orgId);
                ps.setString(2, teamId);
                ps.setString(3, name);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    t = readTeam(rs);
                }
            }
            AuditLog.record(c, orgId, actor, "team.created", "team", teamId, Map.of("name", name));
            return t;
        });
    }

    public List<Team> teams(String orgId) {
        return sql.list("listing teams", "SELECT team_id, name, created_at FROM teams WHERE org_id = ? ORDER BY name",
                ps -> ps.setString(1, orgId), TeamStore::readTeam);
    }

    public Optional<Team> team(String orgId, String teamId) {
        return sql.one("reading team " + teamId, "SELECT team_id, name, created_at FROM teams WHERE org_id = ? AND team_id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, teamId);
                }, TeamStore::readTeam);
    }

    /** Renames a team; empty when the org has no such team. A name another team has is refused by the database (409). */
    public Optional<Team> renameTeam(String orgId, String teamId, String name, AuditLog.Actor actor) {
        return sql.transaction("renaming team " + teamId, c -> {
            String before;
            try (var ps = c.prepareStatement("SELECT name FROM teams WHERE org_id = ? AND team_id = ? FOR UPDATE")) {
                ps.setString(1, orgId);
                ps.setString(2, teamId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Team>empty();
                    }
                    before = rs.getString(1);
                }
            }
            Team t;
            try (var ps = c.prepareStatement("UPDATE teams SET name = ? WHERE org_id = ? AND team_id = ? RETURNING team_id, name, created_at")) {
                ps.setString(1, name);
                ps.setString(2, orgId);
                ps.setString(3, teamId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    t = readTeam(rs);
                }
            }
            AuditLog.record(c, orgId, actor, "team.renamed", "team", teamId, Map.of("from", before, "to", name));
            return Optional.of(t);
        });
    }

    public boolean deleteTeam(String orgId, String teamId, AuditLog.Actor actor) {
        return sql.transaction("deleting team " + teamId, c -> {
            try (var ps = c.prepareStatement("DELETE FROM teams WHERE org_id = ? AND team_id = ? RETURNING name")) {
                ps.setString(1, orgId);
                ps.setString(2, teamId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    AuditLog.record(c, orgId, actor, "team.deleted", "team", teamId, Map.of("name", rs.getString(1)));
                    return true;
                }
            }
        });
    }

    /** Seats taken: the org's current (not removed) members. */
    public long memberCount(String orgId) {
        return sql.one("counting members", "SELECT count(*) FROM members WHERE org_id = ? AND removed_at IS NULL", ps -> ps.setString(1, orgId),
                rs -> rs.getLong(1)).orElse(0L);
    }

    /** As {@link #addMember(String, String, String, String, String, AuditLog.Actor)}, by the operator. */
    public Member addMember(String orgId, String teamId, String memberId, String email, String role) {
        return addMember(orgId, teamId, memberId, email, role, AuditLog.Actor.OPERATOR);
    }

    /**
     * Adds a person to a team, creating their seat when the org has none for that e-mail yet (role as given), in one
     * transaction. A person who has a seat keeps it as it is, role included (roles change only through
     * {@link #changeRole}); one who was removed gets their seat back, with the role given now. Returns the member.
     */
    public Member addMember(String orgId, String teamId, String memberId, String email, String role, AuditLog.Actor actor) {
        return sql.transaction("adding member " + email + " to team " + teamId, c -> addMember(c, orgId, teamId, memberId, email, role, actor));
    }

    /**
     * As {@link #addMember(String, String, String, String, String, AuditLog.Actor)}, on {@code c} inside the caller's
     * transaction (the console's invitations create the member together with their sign-in); {@code teamId} null gives
     * the seat only.
     */
    public static Member addMember(Connection c, String orgId, String teamId, String memberId, String email, String role, AuditLog.Actor actor)
            throws SQLException {
        Member m;
        try (var ps = c.prepareStatement("INSERT INTO members (org_id, member_id, email, role) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (org_id, lower(email)) DO UPDATE SET email = members.email, "
                + "role = CASE WHEN members.removed_at IS NULL THEN members.role ELSE EXCLUDED.role END, removed_at = NULL "
                + "RETURNING " + MEMBER_COLUMNS)) {
            ps.setString(1, orgId);
            ps.setString(2, memberId);
            ps.setString(3, email);
            ps.setString(4, role);
            try (var rs = ps.executeQuery()) {
                rs.next();
                m = readMember(rs);
            }
        }
        if (teamId == null) {
            return m;
        }
        try (var ps = c.prepareStatement("INSERT INTO team_members (org_id, team_id, member_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, orgId);
            ps.setString(2, teamId);
            ps.setString(3, m.memberId());
            if (ps.executeUpdate() == 1) {
                AuditLog.record(c, orgId, actor, "member.added", "member", m.memberId(),
                        Map.of("team_id", teamId, "email", m.email(), "role", m.role()));
            }
        }
        return m;
    }

    /** Takes a member out of one team (their seat, role and keys stay); false when they were not in it. */
    public boolean removeFromTeam(String orgId, String teamId, String memberId, AuditLog.Actor actor) {
        return sql.transaction("removing member " + memberId + " from team " + teamId, c -> {
            try (var ps = c.prepareStatement("DELETE FROM team_members WHERE org_id = ? AND team_id = ? AND member_id = ?")) {
                ps.setString(1, orgId);
                ps.setString(2, teamId);
                ps.setString(3, memberId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            AuditLog.record(c, orgId, actor, "member.removed_from_team", "member", memberId, Map.of("team_id", teamId));
            return true;
        });
    }

    /**
     * Sets a member's role; refused when that would leave the org without an owner (see the class comment for the
     * lock that makes two concurrent demotions see each other).
     */
    public Outcome changeRole(String orgId, String memberId, String role, AuditLog.Actor actor) {
        return sql.transaction("changing the role of member " + memberId, c -> {
            lockOwnership(c, orgId);
            Optional<Member> found = lockedMember(c, orgId, memberId);
            if (found.isEmpty()) {
                return Outcome.refused(Refusal.NOT_FOUND);
            }
            Member before = found.get();
            if ("owner".equals(before.role()) && !"owner".equals(role) && owners(c, orgId) <= 1) {
                return Outcome.refused(Refusal.LAST_OWNER);
            }
            Member after = setRole(c, orgId, memberId, role);
            if (!before.role().equals(role)) {
                AuditLog.record(c, orgId, actor, "member.role_changed", "member", memberId,
                        Map.of("email", before.email(), "from", before.role(), "to", role));
            }
            return Outcome.done(after);
        });
    }

    /**
     * Removes a person from the org, at {@code at}: out of every team, their seat freed, their live keys revoked. The
     * row stays, marked removed (V66 says why). Refused for the org's last owner.
     */
    public Outcome removeMember(String orgId, String memberId, Instant at, AuditLog.Actor actor) {
        return sql.transaction("removing member " + memberId, c -> {
            lockOwnership(c, orgId);
            Optional<Member> found = lockedMember(c, orgId, memberId);
            if (found.isEmpty()) {
                return Outcome.refused(Refusal.NOT_FOUND);
            }
            Member m = found.get();
            if ("owner".equals(m.role()) && owners(c, orgId) <= 1) {
                return Outcome.refused(Refusal.LAST_OWNER);
            }
            int revoked;
            try (var ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE org_id = ? AND member_id = ? AND revoked_at IS NULL")) {
                ps.setTimestamp(1, Sql.ts(at));
                ps.setString(2, orgId);
                ps.setString(3, memberId);
                revoked = ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("DELETE FROM team_members WHERE org_id = ? AND member_id = ?")) {
                ps.setString(1, orgId);
                ps.setString(2, memberId);
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("UPDATE members SET removed_at = ? WHERE org_id = ? AND member_id = ?")) {
                ps.setTimestamp(1, Sql.ts(at));
                ps.setString(2, orgId);
                ps.setString(3, memberId);
                ps.executeUpdate();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("email", m.email());
            details.put("role", m.role());
            details.put("keys_revoked", revoked);
            AuditLog.record(c, orgId, actor, "member.removed", "member", memberId, details);
            return new Outcome(m, null, revoked);
        });
    }

    /**
     * Hands ownership from {@code fromMemberId} (who must be an owner) to {@code toMemberId}, who becomes an owner
     * while the former owner becomes an admin, in one transaction: there is no moment with neither or both.
     */
    public Outcome transferOwnership(String orgId, String fromMemberId, String toMemberId, AuditLog.Actor actor) {
        return sql.transaction("transferring ownership to member " + toMemberId, c -> {
            lockOwnership(c, orgId);
            Optional<Member> from = lockedMember(c, orgId, fromMemberId);
            if (from.isEmpty() || !"owner".equals(from.get().role())) {
                return Outcome.refused(Refusal.NOT_OWNER);
            }
            Optional<Member> to = lockedMember(c, orgId, toMemberId);
            if (to.isEmpty()) {
                return Outcome.refused(Refusal.NOT_FOUND);
            }
            Member newOwner = setRole(c, orgId, toMemberId, "owner");
            setRole(c, orgId, fromMemberId, "admin");
            AuditLog.record(c, orgId, actor, "org.ownership_transferred", "member", toMemberId,
                    Map.of("from_member_id", fromMemberId, "from_role_now", "admin", "to_member_id", toMemberId, "to_role_before", to.get().role()));
            return Outcome.done(newOwner);
        });
    }

    private static void lockOwnership(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM organisations WHERE org_id = ? FOR NO KEY UPDATE")) {
            ps.setString(1, orgId);
            ps.executeQuery().close();
        }
    }

    private static Optional<Member> lockedMember(Connection c, String orgId, String memberId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + MEMBER_COLUMNS + " FROM members WHERE org_id = ? AND member_id = ? "
                + "AND removed_at IS NULL FOR UPDATE")) {
            ps.setString(1, orgId);
            ps.setString(2, memberId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readMember(rs)) : Optional.empty();
            }
        }
    }

    private static long owners(Connection c, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM members WHERE org_id = ? AND role = 'owner' AND removed_at IS NULL")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Member setRole(Connection c, String orgId, String memberId, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE members SET role = ? WHERE org_id = ? AND member_id = ? RETURNING " + MEMBER_COLUMNS)) {
            ps.setString(1, role);
            ps.setString(2, orgId);
            ps.setString(3, memberId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return readMember(rs);
            }
        }
    }

    /** A current member of the org (a removed one is not found). */
    public Optional<Member> member(String orgId, String memberId) {
        return sql.one("reading member " + memberId, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE org_id = ? AND member_id = ? "
                + "AND removed_at IS NULL", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, memberId);
                }, TeamStore::readMember);
    }

    public Optional<Member> memberByEmail(String orgId, String email) {
        return sql.one("reading member " + email, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE org_id = ? AND lower(email) = lower(?) "
                + "AND removed_at IS NULL", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, email);
                }, TeamStore::readMember);
    }

    /** Members of a team (a removed person is in no team). */
    public List<Member> members(String orgId, String teamId) {
        return sql.list("listing members of team " + teamId,
                "SELECT m.member_id, m.email, m.role, m.created_at FROM team_members tm JOIN members m ON m.org_id = tm.org_id "
                        + "AND m.member_id = tm.member_id WHERE tm.org_id = ? AND tm.team_id = ? ORDER BY m.email",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, teamId);
                }, TeamStore::readMember);
    }
}
