package io.tunetrail.api.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.service.Keyset;
import io.tunetrail.api.service.Page;
import io.tunetrail.api.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The audit log of administrative changes (table {@code audit_log}). A change is recorded by {@link #record} on the
 * connection of the transaction that makes it, so the entry commits or rolls back with the change: there is never an
 * entry for a change that did not happen, nor a change without its entry. Any code that changes an org's
 * administration (teams, members, keys, plan, flags, models) calls {@link #record}; {@link #list} serves
 * {@code GET /api/v1/audit-log}.
 */
public final class AuditLog {
    /**
     * Who acted: an API key ({@code api_key}, with the member it belongs to, or none for an org key), a member signed in
     * to the web console ({@code console}, no key), Stripe ({@code stripe}, with the event id) or the operator
     * ({@code operator}: the CLI and jobs, which hold the database).
     */
    public record Actor(String type, String id, String memberId) {
        public static final Actor OPERATOR = new Actor("operator", null, null);

        public static Actor of(Principal p) {
            // The console's principal is a signed-in member and holds no key.
            return p.keyId() == null ? new Actor("console", null, p.memberId()) : new Actor("api_key", p.keyId(), p.memberId());
        }

        public static Actor stripe(String eventId) {
            return new Actor("stripe", eventId, null);
        }
    }

    public record Entry(long auditId, Instant occurredAt, String actorType, String actorId, String actorMemberId, String action,
            String targetType, String targetId, JsonNode details) {}

    /** Filters of a listing; null: any. {@code actor} matches the acting key or the member behind it. */
    public record Filter(String actor, String action, Instant from, Instant to) {
        /** The filters from query parameters, refusing malformed ones with the 400 that names them. */
        public static Filter parse(String actor, String action, String from, String to) {
            Filter f = new Filter(actor == null || actor.isEmpty() ? null : Check.id("actor", actor),
                    action == null || action.isEmpty() ? null : action(action), instant("from", from), instant("to", to));
            if (f.from() != null && f.to() != null && !f.from().isBefore(f.to())) {
                throw Check.invalid("from", "'from' must be before 'to'");
            }
            return f;
        }

        private static String action(String action) {
            if (!action.matches("^[a-z][a-z_]*(\\.[a-z][a-z_]*)?$") || action.length() > 64) {
                throw Check.invalid("action", "'action' is an action such as 'member.role_changed', or an object such as 'member' for all of its actions");
            }
            return action;
        }
    }

    /** An optional ISO-8601 instant query parameter ({@code 2026-12-01T00:00:00Z}); 400 naming {@code field} otherwise. */
    public static Instant instant(String field, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw Check.invalid(field, "'" + field + "' must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, not '" + raw + "'");
        }
    }

    private final Sql sql;

    public AuditLog(Sql sql) {
        this.sql = sql;
    }

    /**
     * Records one change of {@code orgId} on {@code c}, inside the caller's transaction. {@code action} is
     * {@code object.verb} ({@code team.renamed}); {@code details} say what changed and must hold no secret.
     */
    public static void record(Connection c, String orgId, Actor actor, String action, String targetType, String targetId,
            Map<String, ?> details) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (org_id, actor_type, actor_id, actor_member_id, action, "
                + "target_type, target_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            ps.setString(1, orgId);
            ps.setString(2, actor.type());
            ps.setString(3, actor.id());
            ps.setString(4, actor.memberId());
            ps.setString(5, action);
            ps.setString(6, targetType);
            ps.setString(7, targetId);
            ps.setString(8, json(details));
            ps.executeUpdate();
        }
    }

    private static String json(Map<String, ?> details) {
        try {
            return Json.mapper().writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be plain JSON values: " + e.getOriginalMessage(), e);
        }
    }

    /** The org's entries, newest first, one page of at most {@code limit} after {@code cursor}. */
    public Page<Entry> list(String orgId, Filter f, String cursor, int limit) {
        List<String> after = Keyset.decode(cursor, 2);
        Instant afterAt = after == null ? null : Keyset.instantPart(after.get(0));
        Long afterId = after == null ? null : Keyset.longPart(after.get(1));
        List<Entry> rows = sql.list("listing the audit log", "SELECT audit_id, occurred_at, actor_type, actor_id, actor_member_id, action, "
                + "target_type, target_id, details::text FROM audit_log WHERE org_id = ? "
                + "AND (?::text IS NULL OR actor_id = ? OR actor_member_id = ?) "
                + "AND (?::text IS NULL OR action = ? OR split_part(action, '.', 1) = ?) "
                + "AND (?::timestamptz IS NULL OR occurred_at >= ?) AND (?::timestamptz IS NULL OR occurred_at < ?) "
                + "AND (?::timestamptz IS NULL OR (occurred_at, audit_id) < (?, ?)) "
                + "ORDER BY occurred_at DESC, audit_id DESC LIMIT ?", ps -> {
                    int i = 1;
                    ps.setString(i++, orgId);
                    for (int n = 0; n < 3; n++) {
                        ps.setString(i++, f.actor());
                    }
                    for (int n = 0; n < 3; n++) {
                        ps.setString(i++, f.action());
                    }
                    ps.setTimestamp(i++, Sql.ts(f.from()));
                    ps.setTimestamp(i++, Sql.ts(f.from()));
                    ps.setTimestamp(i++, Sql.ts(f.to()));
                    ps.setTimestamp(i++, Sql.ts(f.to()));
                    ps.setTimestamp(i++, Sql.ts(afterAt));
                    ps.setTimestamp(i++, Sql.ts(afterAt));
                    ps.setObject(i++, afterId, Types.BIGINT);
                    ps.setInt(i, limit + 1);
                }, AuditLog::entry);
        return Keyset.page(rows, limit, e -> List.of(e.occurredAt().toString(), Long.toString(e.auditId())));
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        JsonNode details;
        try {
            details = Json.mapper().readTree(rs.getString(9));
        } catch (JsonProcessingException e) {
            throw new SQLException("audit_log.details is not JSON", e);
        }
        return new Entry(rs.getLong(1), Sql.instant(rs, "occurred_at"), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), details);
    }
}
