package io.tunetrail.api.store;

import java.time.Instant;
import java.util.Optional;

/** Organisations as the API and the admin CLI see them: create, read, and change of plan by billing. */
public final class OrgStore {
    /** An organisation's account view. */
    public record Org(String orgId, String name, String planId, String edition, String stripeCustomerId,
            String stripeSubscriptionId, boolean frozen, Instant createdAt) {}

    private static final String COLUMNS = "org_id, name, plan_id, edition, stripe_customer_id, stripe_subscription_id, frozen, created_at";

    private final Sql sql;

    public OrgStore(Sql sql) {
        this.sql = sql;
    }

    public Org create(String orgId, String name, String planId, String edition) {
        return sql.one("creating org " + orgId, "INSERT INTO organisations (org_id, name, plan_id, edition) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS,
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, name);
                    ps.setString(3, planId);
                    ps.setString(4, edition);
                }, OrgStore::org).orElseThrow();
    }

    public Optional<Org> get(String orgId) {
        return sql.one("reading org " + orgId, "SELECT " + COLUMNS + " FROM organisations WHERE org_id = ?",
                ps -> ps.setString(1, orgId), OrgStore::org);
    }

    /** Orgs whose name is exactly {@code name} (names are not unique; the CLI refuses an ambiguous one). */
    public java.util.List<Org> byName(String name) {
        return sql.list("finding org " + name, "SELECT " + COLUMNS + " FROM organisations WHERE name = ? ORDER BY org_id",
                ps -> ps.setString(1, name), OrgStore::org);
    }

    private static Org org(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Org(rs.getString("org_id"), rs.getString("name"), rs.getString("plan_id"), rs.getString("edition"),
                rs.getString("stripe_customer_id"), rs.getString("stripe_subscription_id"), rs.getBoolean("frozen"),
                Sql.instant(rs, "created_at"));
    }
}
