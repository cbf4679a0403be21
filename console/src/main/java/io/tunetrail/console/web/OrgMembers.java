package io.tunetrail.console.web;

import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import java.util.List;

/**
 * The org's current members (removed ones are not), by e-mail: the console lists everyone, where the API lists a
 * team's members only. Read-only; every change goes through the API's services.
 */
final class OrgMembers {
    private final Sql sql;

    OrgMembers(Sql sql) {
        this.sql = sql;
    }

    List<TeamStore.Member> of(String orgId) {
        return sql.list("listing members", "SELECT member_id, email, role, created_at FROM members WHERE org_id = ? AND removed_at IS NULL "
                + "ORDER BY lower(email)", ps -> ps.setString(1, orgId),
                rs -> new TeamStore.Member(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "created_at")));
    }
}
