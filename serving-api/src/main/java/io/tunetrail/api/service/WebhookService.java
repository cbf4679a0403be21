package io.tunetrail.api.service;

import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.store.Sql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing webhooks: endpoints per org, events queued as deliveries, and the delivery of due ones.
 *
 * <p>Each delivery is a POST of the event's JSON with {@code TuneTrail-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + body)>} (Stripe's scheme, so receivers can reuse their verification code and reject
 * replays by the timestamp), {@code TuneTrail-Event} and {@code TuneTrail-Delivery}. A 2xx answer marks it delivered;
 * anything else (or no answer within 5 s) is retried with exponential backoff, 10 s doubling up to an hour, and after
 * {@value #MAX_ATTEMPTS} attempts it is marked failed. Every attempt's outcome is recorded.
 */
public final class WebhookService {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    public static final Set<String> EVENTS = Set.of("training.queued", "training.cancelled", "plan.changed", "usage.limit_reached",
            "webhook.test");
    static final int MAX_ATTEMPTS = 8;

    public record CreateWebhookRequest(String url, List<String> events) {
        public CreateWebhookRequest {
            Check.text("url", url, 2000);
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw Check.invalid("url", "'url' is not a URL");
            }
            if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                throw Check.invalid("url", "'url' must be an http or https URL with a host");
            }
            Check.required("events", events);
            if (events.isEmpty()) {
                throw Check.invalid("events", "'events' must name at least one of " + EVENTS);
            }
            for (int i = 0; i < events.size(); i++) {
                if (!EVENTS.contains(events.get(i))) {
                    throw Check.invalid("events[" + i + "]", "'" + events.get(i) + "' is not an event; use " + EVENTS);
                }
            }
            events = List.copyOf(events);
        }
    }

    public record Webhook(String webhookId, String url, List<String> events, Instant createdAt) {}

    public record CreatedWebhook(Webhook webhook, String secret, String note) {}

    public record Delivery(String deliveryId, String eventType, String status, int attempts, Instant nextAttemptAt,
            Integer lastStatusCode, String lastError, Instant createdAt, Instant deliveredAt) {}

    private final Sql sql;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> limitsAnnounced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public WebhookService(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    public CreatedWebhook create(Principal p, CreateWebhookRequest r) {
        String id = ApiKeySecrets.newId("wh");
        String secret = "whsec_" + ApiKeySecrets.newSecret().substring(ApiKeySecrets.KEY_PREFIX.length());
        Webhook w = sql.one("creating a webhook", "INSERT INTO webhook_endpoints (org_id, webhook_id, url, secret, events) "
                + "VALUES (?, ?, ?, ?, ?) RETURNING webhook_id, url, events, created_at", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, id);
                    ps.setString(3, r.url());
                    ps.setString(4, secret);
                    ps.setArray(5, ps.getConnection().createArrayOf("text", r.events().toArray()));
                }, WebhookService::webhook).orElseThrow();
        return new CreatedWebhook(w, secret, "Verify deliveries with this secret; it is shown only once.");
    }

    public List<Webhook> list(Principal p) {
        return sql.list("listing webhooks", "SELECT webhook_id, url, events, created_at FROM webhook_endpoints WHERE org_id = ? "
                + "ORDER BY created_at, webhook_id", ps -> ps.setString(1, p.orgId()), WebhookService::webhook);
    }

    public void delete(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        if (sql.update("deleting a webhook", "DELETE FROM webhook_endpoints WHERE org_id = ? AND webhook_id = ?", ps -> {
            ps.setString(1, p.orgId());
            ps.setString(2, webhookId);
        }) == 0) {
            throw ApiErrors.notFound("webhook", webhookId);
        }
    }

    public List<Delivery> deliveries(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        if (list(p).stream().noneMatch(w -> w.webhookId().equals(webhookId))) {
            throw ApiErrors.notFound("webhook", webhookId);
        }
        return sql.list("listing deliveries", "SELECT delivery_id, event_type, status, attempts, next_attempt_at, last_status_code, "
                + "last_error, created_at, delivered_at FROM webhook_deliveries WHERE org_id = ? AND webhook_id = ? "
                + "ORDER BY created_at DESC, delivery_id LIMIT 100", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, webhookId);
                }, rs -> {
                    int code = rs.getInt("last_status_code");
                    return new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), Sql.instant(rs, "next_attempt_at"),
                            rs.wasNull() ? null : code, rs.getString("last_error"), Sql.instant(rs, "created_at"), Sql.instant(rs, "delivered_at"));
                });
    }

    /** Sends a {@code webhook.test} event to one endpoint (queued like any other). */
    public int test(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        if (list(p).stream().noneMatch(w -> w.webhookId().equals(webhookId))) {
            throw ApiErrors.notFound("webhook", webhookId);
        }
        return emit(p.orgId(), "webhook.test", Map.of("message", "a test delivery"), webhookId, null);
    }

    /**
     * {@code usage.limit_reached}, once per org, resource and period however many requests the quota refuses: the
     * first refusal in this process queues it, with delivery ids derived from the period so that other instances
     * (or a restart) cannot queue it twice either.
     */
    public void limitReached(String orgId, String resource, String period, long limit, Instant resetsAt) {
        String once = orgId + "|" + resource + "|" + period + "|" + resetsAt;
        if (!limitsAnnounced.add(once)) {
            return;
        }
        if (limitsAnnounced.size() > 100_000) {
            limitsAnnounced.clear();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resource", resource);
        data.put("period", period);
        data.put("limit", limit);
        data.put("resets_at", resetsAt.toString());
        emit(orgId, "usage.limit_reached", data, null, once);
    }

    /** Queues an event for every endpoint of the org that subscribed to it; returns how many deliveries were queued. */
    public int emit(String orgId, String eventType, Map<String, Object> data) {
        return emit(orgId, eventType, data, null, null);
    }

    private int emit(String orgId, String eventType, Map<String, Object> data, String onlyWebhook, String onceKey) {
        Instant now = clock.instant();
        List<String> targets = sql.list("finding webhooks", "SELECT webhook_id FROM webhook_endpoints WHERE org_id = ? AND ? = ANY (events) "
                + "AND (?::text IS NULL OR webhook_id = ?)", ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, eventType);
                    ps.setString(3, onlyWebhook);
                    ps.setString(4, onlyWebhook);
                }, rs -> rs.getString(1));
        int queued = 0;
        for (String webhookId : targets) {
            String deliveryId = onceKey == null ? ApiKeySecrets.newId("dlv") : "dlv_once_" + sha256(webhookId + "|" + eventType + "|" + onceKey);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", deliveryId);
            payload.put("type", eventType);
            payload.put("created", now.toString());
            payload.put("org_id", orgId);
            payload.put("data", data);
            queued += sql.update("queueing a delivery", "INSERT INTO webhook_deliveries (org_id, delivery_id, webhook_id, event_type, payload, "
                    + "next_attempt_at) VALUES (?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (org_id, delivery_id) DO NOTHING", ps -> {
                        ps.setString(1, orgId);
                        ps.setString(2, deliveryId);
                        ps.setString(3, webhookId);
                        ps.setString(4, eventType);
                        ps.setString(5, new String(Json.write(payload), StandardCharsets.UTF_8));
                        ps.setTimestamp(6, Sql.ts(now));
                    });
        }
        return queued;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private record Due(String orgId, String deliveryId, String eventType, String payload, int attempts, String url, String secret) {}

    /** Attempts every due delivery once (the app calls this every second); returns how many were attempted. */
    public int deliverDue() {
        Instant now = clock.instant();
        // Claim due deliveries with a one-minute lease (SKIP LOCKED, then next_attempt_at moves on), so several API
        // instances never send the same delivery at once and a crash mid-send only delays it.
        List<Due> due = sql.list("claiming due deliveries", "UPDATE webhook_deliveries d SET next_attempt_at = ? "
                + "FROM (SELECT org_id, delivery_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
                + "ORDER BY next_attempt_at LIMIT 100 FOR UPDATE SKIP LOCKED) due, webhook_endpoints w "
                + "WHERE d.org_id = due.org_id AND d.delivery_id = due.delivery_id AND w.org_id = d.org_id AND w.webhook_id = d.webhook_id "
                + "RETURNING d.org_id, d.delivery_id, d.event_type, d.payload::text, d.attempts, w.url, w.secret", ps -> {
                    ps.setTimestamp(1, Sql.ts(now.plusSeconds(60)));
                    ps.setTimestamp(2, Sql.ts(now));
                },
                rs -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7)));
        for (Due d : due) {
            attempt(d, now);
        }
        return due.size();
    }

    private void attempt(Due d, Instant now) {
        Integer code = null;
        String error = null;
        try {
            long t = now.getEpochSecond();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .header("TuneTrail-Signature", "t=" + t + ",v1=" + sign(d.secret(), t + "." + d.payload()))
                    .header("TuneTrail-Event", d.eventType())
                    .header("TuneTrail-Delivery", d.deliveryId())
                    .POST(HttpRequest.BodyPublishers.ofString(d.payload(), StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
            code = r.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        boolean ok = code != null && code >= 200 && code < 300;
        int attempts = d.attempts() + 1;
        String status = ok ? "delivered" : attempts >= MAX_ATTEMPTS ? "failed" : "pending";
        Instant next = now.plus(backoff(attempts));
        Integer finalCode = code;
        String finalError = ok ? null : error != null ? error : "HTTP " + code;
        sql.update("recording a delivery", "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, "
                + "last_error = ?, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE org_id = ? AND delivery_id = ?", ps -> {
                    ps.setString(1, status);
                    ps.setInt(2, attempts);
                    ps.setTimestamp(3, Sql.ts(next));
                    ps.setObject(4, finalCode);
                    ps.setString(5, finalError);
                    ps.setBoolean(6, ok);
                    ps.setTimestamp(7, Sql.ts(now));
                    ps.setString(8, d.orgId());
                    ps.setString(9, d.deliveryId());
                });
        if (!ok) {
            LOG.info("webhook delivery {} attempt {} failed: {}", d.deliveryId(), attempts, finalError);
        }
    }

    /** 10 s, 20 s, 40 s, ... up to an hour. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(3600, 10L << Math.min(20, attempts - 1)));
    }

    /** Hex HMAC-SHA256 of {@code signed} with {@code secret}. */
    public static String sign(String secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private static Webhook webhook(ResultSet rs) throws java.sql.SQLException {
        Array events = rs.getArray("events");
        return new Webhook(rs.getString("webhook_id"), rs.getString("url"), Arrays.asList((String[]) events.getArray()),
                Sql.instant(rs, "created_at"));
    }

}
