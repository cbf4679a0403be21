package io.tunetrail.api.alerts;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.Keyset;
import io.tunetrail.api.service.Page;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.store.Sql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The org's threshold alerts (table {@code alerts}, V87): {@link #record} stores a {@link Crossing} once and, in the
 * same transaction, queues its {@code usage.threshold_reached} webhook deliveries and one {@code email_outbox} row per
 * owner, so either all of them exist or none; {@link #list} and {@link #acknowledge} serve the API.
 */
public final class AlertStore {
    /** The webhook event of an alert. */
    public static final String EVENT = "usage.threshold_reached";

    /** An alert as the API shows it. {@code resetsAt} is when its period ends (the quota or cap starts again). */
    public record Alert(long alertId, String kind, String resource, String period, LocalDate periodStart, int thresholdPercent,
            BigDecimal limit, BigDecimal used, Instant reachedAt, Instant resetsAt, boolean acknowledged, Instant acknowledgedAt,
            String acknowledgedBy) {}

    private static final String COLUMNS = "alert_id, kind, resource, period, period_start, threshold_percent, limit_value, used_value, "
            + "reached_at, acknowledged_at, acknowledged_by";

    private final Sql sql;
    private final WebhookService webhooks;

    public AlertStore(Sql sql, WebhookService webhooks) {
        this.sql = sql;
        this.webhooks = webhooks;
    }

    /**
     * Records the crossing unless its org already has an alert for that kind, resource, period and threshold; returns
     * whether it was new. A new alert's webhook deliveries and owner e-mails are queued in the same transaction.
     */
    public boolean record(Crossing x) {
        return sql.transaction("recording a threshold alert", c -> {
            Long id = insert(c, x);
            if (id == null) {
                return false;
            }
            Alert alert = new Alert(id, x.kind(), x.resource(), x.period(), x.periodStart(), x.thresholdPercent(), x.limit(), x.used(),
                    x.reachedAt(), resetsAt(x.period(), x.periodStart()), false, null, null);
            webhooks.emit(c, x.orgId(), EVENT, webhookData(alert), "alert|" + id);
            mailOwners(c, x.orgId(), alert);
            return true;
        });
    }

    private static Long insert(Connection c, Crossing x) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (org_id, kind, resource, period, period_start, threshold_percent, "
                + "limit_value, used_value, reached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT ON CONSTRAINT alerts_once_per_period DO NOTHING RETURNING alert_id")) {
            ps.setString(1, x.orgId());
            ps.setString(2, x.kind());
            ps.setString(3, x.resource());
            ps.setString(4, x.period());
            ps.setDate(5, Date.valueOf(x.periodStart()));
            ps.setInt(6, x.thresholdPercent());
            ps.setBigDecimal(7, x.limit());
            ps.setBigDecimal(8, x.used());
            ps.setTimestamp(9, Sql.ts(x.reachedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Map<String, Object> webhookData(Alert a) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alert_id", a.alertId());
        data.put("kind", a.kind());
        data.put("resource", a.resource());
        data.put("period", a.period());
        data.put("period_start", a.periodStart().toString());
        data.put("threshold_percent", a.thresholdPercent());
        data.put("limit", a.limit());
        data.put("used", a.used());
        data.put("reached_at", a.reachedAt().toString());
        data.put("resets_at", a.resetsAt().toString());
        return data;
    }

    /** One message per current owner with an address (every member row has one); none when the org has no owner yet. */
    private static void mailOwners(Connection c, String orgId, Alert a) throws SQLException {
        String orgName = orgId;
        List<String> owners = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.name, m.email FROM organisations o LEFT JOIN members m "
                + "ON m.org_id = o.org_id AND m.role = 'owner' AND m.removed_at IS NULL WHERE o.org_id = ? ORDER BY m.member_id")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orgName = rs.getString(1);
                    if (rs.getString(2) != null) {
                        owners.add(rs.getString(2));
                    }
                }
            }
        }
        if (owners.isEmpty()) {
            return;
        }
        String what = what(a);
        String subject = "TuneTrail: " + orgName + " reached " + a.thresholdPercent() + "% of its " + what;
        String body = "Your organisation " + orgName + " (" + orgId + ") has used " + amount(a, a.used()) + " of its " + what + " of "
                + amount(a, a.limit()) + " (" + a.thresholdPercent() + "% reached at " + a.reachedAt() + ").\n"
                + (a.thresholdPercent() >= 100 ? "Further " + (Crossing.COST_CAP.equals(a.kind()) ? "costly work" : "requests")
                        + " may be refused until " : "The " + a.period() + " starts again at ") + a.resetsAt() + ".\n"
                + "See GET /api/v1/alerts (alert " + a.alertId() + ") to review and acknowledge it.\n";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_outbox (org_id, alert_id, to_address, subject, body) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT ON CONSTRAINT email_outbox_once_per_alert_and_recipient DO NOTHING")) {
            for (String to : owners) {
                ps.setString(1, orgId);
                ps.setLong(2, a.alertId());
                ps.setString(3, to);
                ps.setString(4, subject.length() > 255 ? subject.substring(0, 255) : subject);
                ps.setString(5, body);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String what(Alert a) {
        if (Crossing.COST_CAP.equals(a.kind())) {
            return "monthly cost cap";
        }
        return (Crossing.DAY.equals(a.period()) ? "daily" : "monthly") + " " + a.resource().replace('_', ' ') + " quota";
    }

    private static String amount(Alert a, BigDecimal v) {
        return Crossing.COST_CAP.equals(a.kind()) ? String.format(Locale.ROOT, "$%,.2f", v) : String.format(Locale.ROOT, "%,d", v.longValue());
    }

    private static Instant resetsAt(String period, LocalDate start) {
        return (Crossing.DAY.equals(period) ? start.plusDays(1) : start.plusMonths(1)).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
    }

    /** The org's alerts, newest first, one page of at most {@code limit} after {@code cursor}; {@code acknowledged} null: all. */
    public Page<Alert> list(String orgId, Boolean acknowledged, String cursor, int limit) {
        List<String> after = Keyset.decode(cursor, 2);
        Instant afterAt = after == null ? null : Keyset.instantPart(after.get(0));
        Long afterId = after == null ? null : Keyset.longPart(after.get(1));
        List<Alert> rows = sql.list("listing alerts", "SELECT " + COLUMNS + " FROM alerts WHERE org_id = ? "
                + "AND (?::boolean IS NULL OR (acknowledged_at IS NOT NULL) = ?) "
                + "AND (?::timestamptz IS NULL OR (reached_at, alert_id) < (?, ?)) "
                + "ORDER BY reached_at DESC, alert_id DESC LIMIT ?", ps -> {
                    ps.setString(1, orgId);
                    ps.setObject(2, acknowledged, Types.BOOLEAN);
                    ps.setObject(3, acknowledged, Types.BOOLEAN);
                    ps.setTimestamp(4, Sql.ts(afterAt));
                    ps.setTimestamp(5, Sql.ts(afterAt));
                    ps.setObject(6, afterId, Types.BIGINT);
                    ps.setInt(7, limit + 1);
                }, AlertStore::alert);
        return Keyset.page(rows, limit, a -> List.of(a.reachedAt().toString(), Long.toString(a.alertId())));
    }

    /**
     * Marks the caller's org's alert acknowledged by the caller and audits it, in one transaction; an alert acknowledged
     * before keeps its first acknowledgement (the answer shows it). Another org's alert, or none: 404.
     */
    public Alert acknowledge(Principal p, String rawAlertId) {
        long alertId = alertId(rawAlertId);
        String by = p.keyId() != null ? p.keyId() : p.memberId();
        return sql.transaction("acknowledging an alert", c -> {
            Alert current;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE org_id = ? AND alert_id = ? FOR UPDATE")) {
                ps.setString(1, p.orgId());
                ps.setLong(2, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiErrors.notFound("alert", rawAlertId);
                    }
                    current = alert(rs);
                }
            }
            if (current.acknowledged()) {
                return current;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET acknowledged_at = clock_timestamp(), acknowledged_by = ? "
                    + "WHERE org_id = ? AND alert_id = ? RETURNING " + COLUMNS)) {
                ps.setString(1, by);
                ps.setString(2, p.orgId());
                ps.setLong(3, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    current = alert(rs);
                }
            }
            AuditLog.record(c, p.orgId(), AuditLog.Actor.of(p), "alert.acknowledged", "alert", Long.toString(alertId),
                    Map.of("resource", current.resource(), "period", current.period(), "threshold_percent", current.thresholdPercent()));
            return current;
        });
    }

    /** An alert id from a path: a positive whole number; 400 naming {@code alert_id} otherwise. */
    static long alertId(String raw) {
        Check.required("alert_id", raw);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // refused below with the field named
        }
        throw Check.invalid("alert_id", "'alert_id' must be a positive whole number (an alert_id of GET /api/v1/alerts), not '" + raw + "'");
    }

    /** The {@code acknowledged} filter: absent (all), true or false; 400 naming it otherwise. */
    public static Boolean acknowledgedFilter(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        return switch (raw) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw Check.invalid("acknowledged", "'acknowledged' must be true or false, not '" + raw + "'");
        };
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        LocalDate start = rs.getDate("period_start").toLocalDate();
        String period = rs.getString("period");
        Instant ackAt = Sql.instant(rs, "acknowledged_at");
        return new Alert(rs.getLong("alert_id"), rs.getString("kind"), rs.getString("resource"), period, start, rs.getInt("threshold_percent"),
                plain(rs.getBigDecimal("limit_value")), plain(rs.getBigDecimal("used_value")),
                Sql.instant(rs, "reached_at"), resetsAt(period, start), ackAt != null, ackAt, rs.getString("acknowledged_by"));
    }

    /** A decimal as a plain JSON number: 10000, not 1E+4 or 10000.000. */
    private static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
