package io.tunetrail.store.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tunetrail.model.EventCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queues an org's outgoing webhook event as one {@code webhook_deliveries} row per subscribed endpoint, on the caller's
 * connection, so the deliveries commit or roll back with the change they announce. The API's delivery dispatcher sends
 * them; any JVM with database access (the batch's cost meter too) can queue them.
 */
public final class WebhookOutbox {
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookOutbox() {}

    /**
     * Queues {@code eventType} with {@code data} for every endpoint of the org that subscribed to it (only
     * {@code onlyWebhook} when not null). With a {@code onceKey} the delivery ids derive from it, so queueing the same key
     * again adds nothing. Returns how many deliveries were queued.
     */
    public static int queue(Connection c, String orgId, String eventType, Map<String, Object> data, String onlyWebhook, String onceKey,
            Instant now) throws SQLException {
        List<String> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT webhook_id FROM webhook_endpoints WHERE org_id = ? AND ? = ANY (events) "
                + "AND (?::text IS NULL OR webhook_id = ?)")) {
            ps.setString(1, orgId);
            ps.setString(2, eventType);
            ps.setString(3, onlyWebhook);
            ps.setString(4, onlyWebhook);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(rs.getString(1));
                }
            }
        }
        int queued = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_deliveries (org_id, delivery_id, webhook_id, event_type, payload, "
                + "next_attempt_at) VALUES (?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (org_id, delivery_id) DO NOTHING")) {
            for (String webhookId : targets) {
                String deliveryId = onceKey == null ? newDeliveryId() : "dlv_once_" + sha256(webhookId + "|" + eventType + "|" + onceKey);
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("id", deliveryId);
                payload.put("type", eventType);
                payload.put("created", now.toString());
                payload.put("org_id", orgId);
                payload.put("data", data);
                ps.setString(1, orgId);
                ps.setString(2, deliveryId);
                ps.setString(3, webhookId);
                ps.setString(4, eventType);
                ps.setString(5, json(payload));
                ps.setTimestamp(6, Timestamp.from(now));
                queued += ps.executeUpdate();
            }
        }
        return queued;
    }

    private static String json(Map<String, Object> payload) {
        try {
            return EventCodec.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a webhook event's data must be plain JSON values: " + e.getOriginalMessage(), e);
        }
    }

    private static String newDeliveryId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return "dlv_" + HexFormat.of().formatHex(bytes);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
