package io.tunetrail.api.service;

import io.tunetrail.api.store.Sql;
import io.tunetrail.store.alerts.AlertRecorder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Announces what the model watcher noted ({@code model_version_notices}, {@link io.tunetrail.store.registry.ModelWatcher}):
 * a newer version exists for an org that stays pinned. Each note becomes one {@value #EVENT} webhook event and one
 * alert of kind {@code model_version} ({@code GET /api/v1/alerts}, V98), written in the transaction that marks the note
 * announced, with the version as the event's once-key and the alert's unique key: two instances, or a retry after a
 * failed commit, never announce a version twice.
 */
public final class VersionAvailableAnnouncer {
    public static final String EVENT = "model.version_available";
    /** Notes per run: a backlog drains over a few runs instead of holding one long transaction. */
    private static final int BATCH = 100;

    private final Sql sql;
    private final WebhookService webhooks;

    public VersionAvailableAnnouncer(Sql sql, WebhookService webhooks) {
        this.sql = sql;
        this.webhooks = webhooks;
    }

    /** Announces the notes not yet announced; returns how many. */
    public int announce() {
        return sql.transaction("announcing new model versions", c -> {
            int announced = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT n.org_id, n.version_id, v.algorithm, v.version, "
                    + "p.pinned_model_version_id, pv.version, n.created_at FROM model_version_notices n "
                    + "JOIN model_versions v ON v.org_id = n.org_id AND v.model_version_id = n.version_id "
                    + "LEFT JOIN org_model_policy p ON p.org_id = n.org_id "
                    + "LEFT JOIN model_versions pv ON pv.org_id = n.org_id AND pv.model_version_id = p.pinned_model_version_id "
                    + "WHERE n.announced_at IS NULL ORDER BY n.created_at LIMIT " + BATCH + " FOR UPDATE OF n SKIP LOCKED");
                    ResultSet rs = ps.executeQuery();
                    PreparedStatement mark = c.prepareStatement("UPDATE model_version_notices SET announced_at = now() "
                            + "WHERE org_id = ? AND version_id = ?")) {
                while (rs.next()) {
                    String org = rs.getString(1);
                    long versionId = rs.getLong(2);
                    Map<String, Object> data = new LinkedHashMap<>();
                    // The alert is dated when the watcher noted the version, not when this instance got to announce it.
                    Long alertId = AlertRecorder.recordModelVersion(c, org, versionId, rs.getTimestamp(7).toInstant());
                    data.put("alert_id", alertId);
                    data.put("model_version_id", versionId);
                    data.put("algorithm", rs.getString(3));
                    data.put("version", rs.getString(4));
                    long pinned = rs.getLong(5);
                    data.put("pinned_version_id", rs.wasNull() ? null : pinned);
                    data.put("pinned_version", rs.getString(6));
                    data.put("note", "A newer model version exists; your org stays on its pinned version until you pin the new one "
                            + "(POST /api/v1/models/pin) or unpin");
                    webhooks.emit(c, org, EVENT, data, "model-version:" + versionId);
                    mark.setString(1, org);
                    mark.setLong(2, versionId);
                    mark.executeUpdate();
                    announced++;
                }
            }
            return announced;
        });
    }
}
