package io.tunetrail.store.alerts;

import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Records a {@link Crossing} as a threshold alert (table {@code alerts}, V87) once and, in the same transaction, queues
 * its {@value #EVENT} webhook deliveries and one {@code email_outbox} row per owner, so either all of them exist or
 * none. The API (quota crossings, from its writer thread) and the batch JVM (cost-cap crossings of the cost meter) both
 * record through here; the table's unique key keeps one alert per org, threshold and period however many JVMs race.
 */
public final class AlertRecorder {
    /** The webhook event of an alert. */
    public static final String EVENT = "usage.threshold_reached";
    /** The kind of alert the model watcher's announcement writes (V98); quotas and cost caps are {@link Crossing}'s kinds. */
    public static final String MODEL_VERSION = "model_version";

    private final DataSource dataSource;
    private final Clock clock;

    public AlertRecorder(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Records the crossing unless its org already has that alert; returns whether it was new. */
    public boolean record(Crossing x) {
        try (Connection c = dataSource.getConnection()) {
            return Database.inTransaction(c, tx -> record(tx, x, clock.instant()) != null);
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("recording a threshold alert", e);
        }
    }

    /** As {@link #record(Crossing)}, inside the caller's transaction; the new alert's id, or null when it existed. */
    public static Long record(Connection c, Crossing x, Instant now) throws SQLException {
        Long id = insert(c, x);
        if (id != null) {
            WebhookOutbox.queue(c, x.orgId(), EVENT, webhookData(id, x), null, "alert|" + id, now);
            mailOwners(c, id, x);
        }
        return id;
    }

    /**
     * Records, inside the caller's transaction, that a newer model version ({@code versionId}) exists for an org that
     * stays pinned: an alert of kind {@value #MODEL_VERSION}, once per version (its unique index); the new alert's id,
     * or null when the version had one. The caller queues its webhook event; no e-mail is written for it (the outbox
     * is for thresholds, which can stop work).
     */
    public static Long recordModelVersion(Connection c, String orgId, long versionId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (org_id, kind, version_id, reached_at) VALUES (?, '"
                + MODEL_VERSION + "', ?, ?) ON CONFLICT (org_id, version_id) WHERE kind = '" + MODEL_VERSION + "' DO NOTHING RETURNING alert_id")) {
            ps.setString(1, orgId);
            ps.setLong(2, versionId);
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
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
            ps.setTimestamp(9, Timestamp.from(x.reachedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Map<String, Object> webhookData(long alertId, Crossing x) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alert_id", alertId);
        data.put("kind", x.kind());
        data.put("resource", x.resource());
        data.put("period", x.period());
        data.put("period_start", x.periodStart().toString());
        data.put("threshold_percent", x.thresholdPercent());
        data.put("limit", x.limit());
        data.put("used", x.used());
        data.put("reached_at", x.reachedAt().toString());
        data.put("resets_at", Crossing.resetsAt(x.period(), x.periodStart()).toString());
        return data;
    }

    /** One message per current owner with an address (every member row has one); none when the org has no owner yet. */
    private static void mailOwners(Connection c, long alertId, Crossing a) throws SQLException {
        String orgName = a.orgId();
        List<String> owners = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.name, m.email FROM organisations o LEFT JOIN members m "
                + "ON m.org_id = o.org_id AND m.role = 'owner' AND m.removed_at IS NULL WHERE o.org_id = ? ORDER BY m.member_id")) {
            ps.setString(1, a.orgId());
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
        String body = "Your organisation " + orgName + " (" + a.orgId() + ") has used " + amount(a, a.used()) + " of its " + what + " of "
                + amount(a, a.limit()) + " (" + a.thresholdPercent() + "% reached at " + a.reachedAt() + ").\n"
                + (held(a) ? (a.thresholdPercent() >= 100 ? "Adding more is refused until some are removed or the plan is upgraded"
                        : "Nothing resets this limit; each threshold is alerted at most once a month") + ".\n"
                : (a.thresholdPercent() >= 100 ? "Further " + (Crossing.COST_CAP.equals(a.kind()) ? "costly work" : "requests")
                        + " may be refused until " : "The " + a.period() + " starts again at ") + Crossing.resetsAt(a.period(), a.periodStart()) + ".\n")
                + "See GET /api/v1/alerts (alert " + alertId + ") to review and acknowledge it.\n";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_outbox (org_id, alert_id, to_address, subject, body) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT ON CONSTRAINT email_outbox_once_per_alert_and_recipient DO NOTHING")) {
            for (String to : owners) {
                ps.setString(1, a.orgId());
                ps.setLong(2, alertId);
                ps.setString(3, to);
                ps.setString(4, subject.length() > 255 ? subject.substring(0, 255) : subject);
                ps.setString(5, body);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static boolean held(Crossing a) {
        return Crossing.QUOTA.equals(a.kind()) && Crossing.HELD.contains(a.resource());
    }

    private static String what(Crossing a) {
        if (Crossing.COST_CAP.equals(a.kind())) {
            return "monthly cost cap";
        }
        if (held(a)) {
            return a.resource().replace('_', ' ') + " limit";
        }
        return (Crossing.DAY.equals(a.period()) ? "daily" : "monthly") + " " + a.resource().replace('_', ' ') + " quota";
    }

    private static String amount(Crossing a, BigDecimal v) {
        return Crossing.COST_CAP.equals(a.kind()) ? String.format(Locale.ROOT, "$%,.2f", v) : String.format(Locale.ROOT, "%,d", v.longValue());
    }
}
