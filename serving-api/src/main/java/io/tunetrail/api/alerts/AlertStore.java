package io.tunetrail.api.alerts;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.Keyset;
import io.tunetrail.api.service.Page;
import io.tunetrail.api.store.Sql;
import io.tunetrail.store.alerts.AlertRecorder;
import io.tunetrail.store.alerts.Crossing;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The org's alerts (table {@code alerts}, V87, V98): threshold alerts, which {@link #record} stores once per
 * {@link Crossing} with their webhook deliveries and owner e-mails ({@link AlertRecorder}), and model-version alerts,
 * which the model watcher's announcement writes; {@link #list} and {@link #acknowledge} serve the API for both.
 */
public final class AlertStore {
    /**
     * An alert as the API shows it. A quota or cost-cap alert fills {@code resource} to {@code resetsAt} (when its period
     * ends: the quota or cap starts again); a {@code model_version} alert fills {@code modelVersionId}, {@code algorithm}
     * and {@code version} (the newer version an org that stays pinned may pin). The other kind's fields are null.
     */
    public record Alert(long alertId, String kind, String resource, String period, LocalDate periodStart, Integer thresholdPercent,
            BigDecimal limit, BigDecimal used, Instant reachedAt, Instant resetsAt, Long modelVersionId, String algorithm, String version,
            boolean acknowledged, Instant acknowledgedAt, String acknowledgedBy) {}

    private static final String COLUMNS = "alert_id, kind, resource, period, period_start, threshold_percent, limit_value, used_value, "
            + "reached_at, acknowledged_at, acknowledged_by, version_id, "
            + "(SELECT v.algorithm FROM model_versions v WHERE v.org_id = alerts.org_id AND v.model_version_id = alerts.version_id) AS algorithm, "
            + "(SELECT v.version FROM model_versions v WHERE v.org_id = alerts.org_id AND v.model_version_id = alerts.version_id) AS version";

    private final Sql sql;
    private final Clock clock;

    public AlertStore(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /**
     * Records the crossing unless its org already has an alert for that kind, resource, period and threshold; returns
     * whether it was new. A new alert's webhook deliveries and owner e-mails are queued in the same transaction
     * ({@link AlertRecorder}, which the batch's cost meter writes through too).
     */
    public boolean record(Crossing x) {
        return sql.transaction("recording a threshold alert", c -> AlertRecorder.record(c, x, clock.instant()) != null);
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
                    current.modelVersionId() != null ? Map.of("kind", current.kind(), "model_version_id", current.modelVersionId())
                            : Map.of("resource", current.resource(), "period", current.period(), "threshold_percent", current.thresholdPercent()));
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
        java.sql.Date startDate = rs.getDate("period_start");
        LocalDate start = startDate == null ? null : startDate.toLocalDate();
        String period = rs.getString("period");
        Instant ackAt = Sql.instant(rs, "acknowledged_at");
        return new Alert(rs.getLong("alert_id"), rs.getString("kind"), rs.getString("resource"), period, start,
                rs.getObject("threshold_percent", Integer.class), plain(rs.getBigDecimal("limit_value")), plain(rs.getBigDecimal("used_value")),
                Sql.instant(rs, "reached_at"), start == null ? null : Crossing.resetsAt(period, start), rs.getObject("version_id", Long.class),
                rs.getString("algorithm"), rs.getString("version"), ackAt != null, ackAt, rs.getString("acknowledged_by"));
    }

    /** A decimal as a plain JSON number: 10000, not 1E+4 or 10000.000; null stays null. */
    private static BigDecimal plain(BigDecimal v) {
        if (v == null) {
            return null;
        }
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
