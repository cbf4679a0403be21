package io.tunetrail.api.service;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Feature flags of an org: on or off, limited to some plans, rolled out to a stable percentage of listeners. Owners
 * and admins (admin-scoped keys) manage them; any key may evaluate one for a listener.
 */
public final class FlagService {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    public record FlagRequest(String description, Boolean enabled, List<String> plans, Integer rolloutPercent) {}

    public record Flag(String key, String description, boolean enabled, List<String> plans, int rolloutPercent, Instant updatedAt) {}

    public record Evaluation(String key, String userId, boolean on, String reason) {}

    private final Sql sql;
    private final PlanCatalog catalog;

    public FlagService(Sql sql, PlanCatalog catalog) {
        this.sql = sql;
        this.catalog = catalog;
    }

    public Flag put(Principal p, String key, FlagRequest r) {
        requireKey(key);
        List<String> plans = r.plans() == null ? List.of() : List.copyOf(r.plans());
        for (int i = 0; i < plans.size(); i++) {
            if (catalog.find(plans.get(i)).isEmpty()) {
                throw Check.invalid("plans[" + i + "]", "'" + plans.get(i) + "' is not a plan of the catalog");
            }
        }
        int rollout = Check.range("rollout_percent", r.rolloutPercent() == null ? 100 : r.rolloutPercent(), 0, 100);
        String description = r.description() == null ? "" : Check.text("description", r.description(), 500);
        boolean enabled = r.enabled() == null || r.enabled();
        return sql.transaction("writing flag " + key, c -> {
            Flag written;
            try (var ps = c.prepareStatement("INSERT INTO feature_flags (org_id, flag_key, description, enabled, plans, rollout_percent) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, flag_key) DO UPDATE SET description = EXCLUDED.description, "
                    + "enabled = EXCLUDED.enabled, plans = EXCLUDED.plans, rollout_percent = EXCLUDED.rollout_percent "
                    + "RETURNING flag_key, description, enabled, plans, rollout_percent, updated_at")) {
                ps.setString(1, p.orgId());
                ps.setString(2, key);
                ps.setString(3, description);
                ps.setBoolean(4, enabled);
                ps.setArray(5, c.createArrayOf("text", plans.toArray()));
                ps.setInt(6, rollout);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    written = flag(rs);
                }
            }
            AuditLog.record(c, p.orgId(), AuditLog.Actor.of(p), "flag.written", "flag", key,
                    Map.of("enabled", enabled, "plans", plans, "rollout_percent", rollout));
            return written;
        });
    }

    public List<Flag> list(Principal p) {
        return sql.list("listing flags", "SELECT flag_key, description, enabled, plans, rollout_percent, updated_at FROM feature_flags "
                + "WHERE org_id = ? ORDER BY flag_key", ps -> ps.setString(1, p.orgId()), FlagService::flag);
    }

    public Flag get(Principal p, String key) {
        requireKey(key);
        return sql.one("reading flag " + key, "SELECT flag_key, description, enabled, plans, rollout_percent, updated_at FROM feature_flags "
                + "WHERE org_id = ? AND flag_key = ?", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, key);
                }, FlagService::flag).orElseThrow(() -> ApiErrors.notFound("feature flag", key));
    }

    public void delete(Principal p, String key) {
        get(p, key);
        sql.transaction("deleting flag " + key, c -> {
            try (var ps = c.prepareStatement("DELETE FROM feature_flags WHERE org_id = ? AND flag_key = ?")) {
                ps.setString(1, p.orgId());
                ps.setString(2, key);
                if (ps.executeUpdate() == 1) {
                    AuditLog.record(c, p.orgId(), AuditLog.Actor.of(p), "flag.deleted", "flag", key, Map.of());
                }
            }
            return null;
        });
    }

    public Evaluation evaluate(Principal p, String key, String userId) {
        Check.id("user_id", userId);
        Flag f = get(p, key);
        if (!f.enabled()) {
            return new Evaluation(key, userId, false, "disabled");
        }
        if (!f.plans().isEmpty() && !f.plans().contains(p.plan().id())) {
            return new Evaluation(key, userId, false, "not for plan " + p.plan().id());
        }
        boolean in = Buckets.of("flag:" + key, userId, 100) < f.rolloutPercent();
        return new Evaluation(key, userId, in, in ? "in the " + f.rolloutPercent() + "% rollout" : "outside the " + f.rolloutPercent() + "% rollout");
    }

    private static void requireKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw Check.invalid("flag_key", "flag keys are lower-case: letters, digits, '.', '_', '-', starting with a letter");
        }
    }

    private static Flag flag(ResultSet rs) throws SQLException {
        Array plans = rs.getArray("plans");
        return new Flag(rs.getString(1), rs.getString(2), rs.getBoolean(3), Arrays.asList((String[]) plans.getArray()), rs.getInt(5),
                Sql.instant(rs, "updated_at"));
    }
}
