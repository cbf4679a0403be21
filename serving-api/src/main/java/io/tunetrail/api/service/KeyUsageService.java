package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import java.time.LocalDate;
import java.util.List;

/**
 * Usage of one API key per day and resource, from the billing ledger ({@code usage_ledger}, which the streaming
 * usage job fills from the usage events the API publishes).
 */
public final class KeyUsageService {
    public record Day(LocalDate day, String resource, long units) {}

    public record KeyUsage(String keyId, int days, List<Day> usage) {}

    private final Sql sql;
    private final KeyOwnership keys;

    /** How the service checks the key is the caller's (404 otherwise). */
    public interface KeyOwnership {
        void requireKey(Principal p, String keyId);
    }

    public KeyUsageService(Sql sql, KeyOwnership keys) {
        this.sql = sql;
        this.keys = keys;
    }

    public KeyUsage usage(Principal p, String keyId, int days) {
        keys.requireKey(p, Check.id("key_id", keyId));
        List<Day> rows = sql.list("reading key usage", "SELECT period_start, resource, units FROM usage_ledger WHERE org_id = ? "
                + "AND api_key_id = ? AND period = 'day' AND period_start > current_date - ? ORDER BY period_start DESC, resource", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, keyId);
                    ps.setInt(3, days);
                }, rs -> new Day(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getLong(3)));
        return new KeyUsage(keyId, days, rows);
    }
}
