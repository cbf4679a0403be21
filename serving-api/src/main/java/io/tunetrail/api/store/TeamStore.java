package io.tunetrail.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Teams and members of an org. Every method takes the org and touches nothing of another org. */
public final class TeamStore {
    public record Team(String teamId, String name, Instant createdAt) {}

    public record Member(String memberId, String email, String role, Instant createdAt) {}

    /** The columns {@link #readMember} reads, in its order. */
    private static final String MEMBER_COLUMNS = "member_id, email, role, created_at";

    private static Member readMember(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Member(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at"));
    }

    private final Sql sql;

    public TeamStore(Sql sql) {
        this.sql = sql;
    }

    public Team createTeam(String orgId, String teamId, String name) {
        return sql.one("creating team " + name, "INSERT INTO teams (org_id, team_id, name) VALUES (?, ?, ?) RETURNING team_id, name, created_at",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, teamId);
                    ps.setString(3, name);
                }, rs -> new Team(rs.getString(1), rs.getString(2), Sql.instant(rs, "created_at"))).orElseThrow();
    }

    public List<Team> teams(String orgId) {
        return sql.list("listing teams", "SELECT team_id, name, created_at FROM teams WHERE org_id = ? ORDER BY name",
                ps -> ps.setString(1, orgId), rs -> new Team(rs.getString(1), rs.getString(2), Sql.instant(rs, "created_at")));
    }

    public Optional<Team> team(String orgId, String teamId) {
        return sql.one("reading team " + teamId, "SELECT team_id, name, created_at FROM teams WHERE org_id = ? AND team_id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, teamId);
                }, rs -> new Team(rs.getString(1), rs.getString(2), Sql.instant(rs, "created_at")));
    }

    public boolean deleteTeam(String orgId, String teamId) {
        return sql.update("deleting team " + teamId, "DELETE FROM teams WHERE org_id = ? AND team_id = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, teamId);
        }) == 1;
    }

    public long memberCount(String orgId) {
        return sql.one("counting members", "SELECT count(*) FROM members WHERE org_id = ?", ps -> ps.setString(1, orgId),
                rs -> rs.getLong(1)).orElse(0L);
    }

    /**
     * Adds a person to a team, creating their seat when the org has none for that e-mail yet (role as given), in one
     * transaction. A person who has a seat keeps it as it is, role included (roles change only through
     * {@link #changeRole}). Returns the member.
     */
    public Member addMember(String orgId, String teamId, String memberId, String email, String role) {
        return sql.transaction("adding member " + email + " to team " + teamId, c -> {
            Member m;
            try (var ps = c.prepareStatement("INSERT INTO members (org_id, member_id, email, role) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (org_id, lower(email)) DO UPDATE SET email = members.email RETURNING " + MEMBER_COLUMNS)) {
                ps.setString(1, orgId);
                ps.setString(2, memberId);
                ps.setString(3, email);
                ps.setString(4, role);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    m = readMember(rs);
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO team_members (org_id, team_id, member_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, orgId);
                ps.setString(2, teamId);
                ps.setString(3, m.memberId());
                ps.executeUpdate();
            }
            return m;
        });
    }

    /**
     * Sets a member's role; empty when that would leave the org without an owner. The org's owners are locked first,
     * so two owners demoting each other at once cannot both succeed.
     */
    public Optional<Member> changeRole(String orgId, String memberId, String role) {
        return sql.transaction("changing the role of member " + memberId, c -> {
            java.util.List<String> owners = new java.util.ArrayList<>();
            try (var ps = c.prepareStatement("SELECT member_id FROM members WHERE org_id = ? AND role = 'owner' ORDER BY member_id FOR UPDATE")) {
                ps.setString(1, orgId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.add(rs.getString(1));
                    }
                }
            }
            if (!"owner".equals(role) && owners.equals(List.of(memberId))) {
                return Optional.<Member>empty();
            }
            try (var ps = c.prepareStatement("UPDATE members SET role = ? WHERE org_id = ? AND member_id = ? RETURNING " + MEMBER_COLUMNS)) {
                ps.setString(1, role);
                ps.setString(2, orgId);
                ps.setString(3, memberId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(readMember(rs)) : Optional.<Member>empty();
                }
            }
        });
    }

    public Optional<Member> member(String orgId, String memberId) {
        return sql.one("reading member " + memberId, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE org_id = ? AND member_id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, memberId);
                }, TeamStore::readMember);
    }

    public Optional<Member> memberByEmail(String orgId, String email) {
        return sql.one("reading member " + email, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE org_id = ? AND lower(email) = lower(?)",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, email);
                }, TeamStore::readMember);
    }

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
