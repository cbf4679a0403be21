package io.tunetrail.api.service;

import io.tunetrail.api.auth.ApiKeySecrets;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.webhook.AddressPolicy;
import io.tunetrail.api.webhook.DeliveryDispatcher;
import io.tunetrail.api.webhook.DeliveryOutcome;
import io.tunetrail.api.webhook.DeliveryQueue;
import io.tunetrail.api.webhook.SecretSealer;
import io.tunetrail.api.webhook.WebhookCounters;
import io.tunetrail.api.webhook.WebhookSecrets;
import io.tunetrail.api.webhook.WebhookSender;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.api.webhook.WebhookTargets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Outgoing webhooks: endpoints per org, events queued as deliveries, and the delivery of due ones.
 *
 * <p>Each delivery is a POST of the event's JSON with {@code TuneTrail-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + body)>} (Stripe's scheme, so receivers can reuse their verification code and reject
 * replays by the timestamp), {@code TuneTrail-Event} and {@code TuneTrail-Delivery}. A 2xx answer marks it delivered;
 * anything else is retried with exponential backoff, 10 s doubling up to an hour, and after 8 attempts it is marked
 * failed. Every attempt's outcome is recorded as a fixed code ({@link DeliveryOutcome}), never the receiver's words.
 *
 * <p>URLs must be https:// (http:// for operator-listed hosts) and resolve to public addresses only, checked at
 * registration and again before each delivery, which connects to the address it checked ({@link WebhookTargets}).
 * Deliveries go out fairly over orgs with one in flight per endpoint ({@link DeliveryDispatcher}); an endpoint that keeps
 * failing has its circuit opened ({@link Circuit}). Signing secrets are stored sealed ({@link WebhookSecrets}).
 */
public final class WebhookService implements AutoCloseable {
    public static final Set<String> EVENTS = Set.of("training.queued", "training.cancelled", "plan.changed", "usage.limit_reached",
            "webhook.test", io.tunetrail.store.alerts.AlertRecorder.EVENT, io.tunetrail.api.audio.AudioBatchService.COMPLETED_EVENT,
            VersionAvailableAnnouncer.EVENT);

    public record CreateWebhookRequest(String url, List<String> events) {
        public CreateWebhookRequest {
            Check.text("url", url, 2000);
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw Check.invalid("url", "'url' is not a URL");
            }
            if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
                    || uri.getHost() == null) {
                throw Check.invalid("url", "'url' must be an https URL with a host");
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

    /**
     * An endpoint's circuit breaker: {@code closed} (deliveries flow), {@code open} (none until {@code retryAt}) after
     * {@code consecutiveFailures} reached the threshold, {@code half_open} (the next delivery is a trial: success
     * closes it, failure opens it again).
     */
    public record Circuit(String state, int consecutiveFailures, Instant retryAt) {
        static Circuit of(int failures, Instant openUntil, Instant now, int threshold) {
            if (failures < threshold) {
                return new Circuit("closed", failures, null);
            }
            return openUntil != null && openUntil.isAfter(now) ? new Circuit("open", failures, openUntil) : new Circuit("half_open", failures, null);
        }
    }

    public record Webhook(String webhookId, String url, List<String> events, Instant createdAt, Circuit circuit) {}

    public record CreatedWebhook(Webhook webhook, String secret, String note) {}

    public record Delivery(String deliveryId, String eventType, String status, int attempts, Instant nextAttemptAt,
            Integer lastStatusCode, String lastError, Instant createdAt, Instant deliveredAt) {}

    private static final String DELIVERY_COLUMNS = "delivery_id, event_type, status, attempts, next_attempt_at, last_status_code, "
            + "last_error, created_at, delivered_at";
    private static final String ENDPOINT_COLUMNS = "webhook_id, url, events, created_at, consecutive_failures, circuit_open_until";

    private final Sql sql;
    private final Clock clock;
    private final WebhookSettings settings;
    private final WebhookTargets targets;
    private final WebhookSecrets secrets;
    private final WebhookCounters counters = new WebhookCounters();
    private final DeliveryDispatcher dispatcher;
    private final Set<String> limitsAnnounced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Also seals any signing secret still stored in clear or under a retired key (see {@link WebhookSecrets#sealStale}). */
    public WebhookService(Sql sql, Clock clock, WebhookSettings settings) {
        this.sql = sql;
        this.clock = clock;
        this.settings = settings;
        this.targets = new WebhookTargets(new AddressPolicy(settings.allowLoopback()), settings.resolver(), settings.allowHttpHosts());
        this.secrets = new WebhookSecrets(sql, settings.sealer());
        this.dispatcher = new DeliveryDispatcher(new DeliveryQueue(sql), secrets, targets,
                new WebhookSender(settings.connectTimeout(), settings.responseTimeout()), settings, counters, clock);
        secrets.sealStale();
    }

    public CreatedWebhook create(Principal p, CreateWebhookRequest r) {
        WebhookTargets.Result checked = targets.check(URI.create(r.url()));
        if (!checked.allowed()) {
            counters.urlRefused();
            throw ApiErrors.webhookUrlForbidden(checked.refusal().detail());
        }
        String id = ApiKeySecrets.newId("wh");
        String secret = "whsec_" + ApiKeySecrets.newSecret().substring(ApiKeySecrets.KEY_PREFIX.length());
        SecretSealer.Sealed sealed = secrets.seal(secret, p.orgId(), id);
        Instant now = clock.instant();
        Webhook w = sql.transaction("creating a webhook", c -> {
            Webhook created;
            try (var ps = c.prepareStatement("INSERT INTO webhook_endpoints (org_id, webhook_id, url, secret_key_id, secret_sealed, events) "
                    + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + ENDPOINT_COLUMNS)) {
                ps.setString(1, p.orgId());
                ps.setString(2, id);
                ps.setString(3, r.url());
                ps.setString(4, sealed.keyId());
                ps.setBytes(5, sealed.bytes());
                ps.setArray(6, c.createArrayOf("text", r.events().toArray()));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    created = webhook(rs, now);
                }
            }
            // The host only: a webhook URL may carry a token in its path or query, and the log is no place for it.
            io.tunetrail.api.audit.AuditLog.record(c, p.orgId(), io.tunetrail.api.audit.AuditLog.Actor.of(p), "webhook.created", "webhook", id,
                    Map.of("host", URI.create(r.url()).getHost(), "events", r.events()));
            return created;
        });
        return new CreatedWebhook(w, secret, "Verify deliveries with this secret; it is shown only once.");
    }

    public List<Webhook> list(Principal p) {
        Instant now = clock.instant();
        return sql.list("listing webhooks", "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE org_id = ? "
                + "ORDER BY created_at, webhook_id", ps -> ps.setString(1, p.orgId()), rs -> webhook(rs, now));
    }

    /** One endpoint of the caller's org, with its circuit. */
    public Webhook get(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        Instant now = clock.instant();
        return sql.one("reading a webhook", "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE org_id = ? AND webhook_id = ?",
                ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, webhookId);
                }, rs -> webhook(rs, now)).orElseThrow(() -> ApiErrors.notFound("webhook", webhookId));
    }

    public void delete(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        boolean deleted = sql.transaction("deleting a webhook", c -> {
            try (var ps = c.prepareStatement("DELETE FROM webhook_endpoints WHERE org_id = ? AND webhook_id = ? RETURNING url")) {
                ps.setString(1, p.orgId());
                ps.setString(2, webhookId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    io.tunetrail.api.audit.AuditLog.record(c, p.orgId(), io.tunetrail.api.audit.AuditLog.Actor.of(p), "webhook.deleted",
                            "webhook", webhookId, Map.of("host", String.valueOf(URI.create(rs.getString(1)).getHost())));
                    return true;
                }
            }
        });
        if (!deleted) {
            throw ApiErrors.notFound("webhook", webhookId);
        }
    }

    public List<Delivery> deliveries(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        get(p, webhookId);
        return sql.list("listing deliveries", "SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries WHERE org_id = ? AND webhook_id = ? "
                + "ORDER BY created_at DESC, delivery_id LIMIT 100", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, webhookId);
                }, WebhookService::delivery);
    }

    private static Delivery delivery(ResultSet rs) throws java.sql.SQLException {
        int code = rs.getInt("last_status_code");
        Integer statusCode = rs.wasNull() ? null : code; // wasNull speaks of the last column read: ask it at once
        return new Delivery(rs.getString("delivery_id"), rs.getString("event_type"), rs.getString("status"), rs.getInt("attempts"),
                Sql.instant(rs, "next_attempt_at"), statusCode, rs.getString("last_error"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "delivered_at"));
    }

    /**
     * Queues a delivery that has given up ({@code failed}: its last attempt failed) once more, due now, in one
     * transaction. Its attempts are kept, so the record stays honest and the retry is one attempt: a 2xx marks it
     * delivered, anything else marks it failed again (the dispatcher fails a delivery at its eighth attempt
     * or any later one). Another org's webhook or delivery, or a delivery of another endpoint, is not found; a pending or
     * delivered one is a conflict ({@code delivery_not_failed}).
     */
    public Delivery retry(Principal p, String webhookId, String deliveryId) {
        Check.id("webhook_id", webhookId);
        Check.id("delivery_id", deliveryId);
        Instant now = clock.instant();
        return sql.transaction("retrying a webhook delivery", c -> {
            String status;
            try (var ps = c.prepareStatement("SELECT status FROM webhook_deliveries WHERE org_id = ? AND webhook_id = ? AND delivery_id = ? "
                    + "FOR UPDATE")) {
                ps.setString(1, p.orgId());
                ps.setString(2, webhookId);
                ps.setString(3, deliveryId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiErrors.notFound("delivery", deliveryId);
                    }
                    status = rs.getString(1);
                }
            }
            if (!"failed".equals(status)) {
                throw ApiErrors.conflict("delivery_not_failed", "Delivery " + deliveryId + " is " + status
                        + "; only a failed delivery can be retried.");
            }
            Delivery queued;
            try (var ps = c.prepareStatement("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL "
                    + "WHERE org_id = ? AND delivery_id = ? RETURNING " + DELIVERY_COLUMNS)) {
                ps.setTimestamp(1, Sql.ts(now));
                ps.setString(2, p.orgId());
                ps.setString(3, deliveryId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    queued = delivery(rs);
                }
            }
            io.tunetrail.api.audit.AuditLog.record(c, p.orgId(), io.tunetrail.api.audit.AuditLog.Actor.of(p), "webhook.delivery_retried",
                    "webhook", webhookId, Map.of("delivery_id", deliveryId));
            return queued;
        });
    }

    /** Sends a {@code webhook.test} event to one endpoint (queued like any other). */
    public int test(Principal p, String webhookId) {
        Check.id("webhook_id", webhookId);
        get(p, webhookId);
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
        return sql.transaction("queueing deliveries", c -> emit(c, orgId, eventType, data, onlyWebhook, onceKey));
    }

    /**
     * Queues an event for every endpoint of the org that subscribed to it, on {@code c} (inside the caller's transaction,
     * so the deliveries commit or roll back with the change they announce), once per {@code onceKey}: delivery ids are
     * derived from it, so queueing the same key again adds nothing. Returns how many deliveries were queued.
     */
    public int emit(java.sql.Connection c, String orgId, String eventType, Map<String, Object> data, String onceKey) throws java.sql.SQLException {
        return emit(c, orgId, eventType, data, null, onceKey);
    }

    private int emit(java.sql.Connection c, String orgId, String eventType, Map<String, Object> data, String onlyWebhook, String onceKey)
            throws java.sql.SQLException {
        return io.tunetrail.store.alerts.WebhookOutbox.queue(c, orgId, eventType, data, onlyWebhook, onceKey, clock.instant());
    }

    /** Attempts every delivery due now, waiting for them; returns how many attempts were made (tests drive this). */
    public int deliverDue() {
        return dispatcher.drain();
    }

    /** Starts due deliveries on free workers without waiting (the app calls this every api.webhook.dispatch-ms). */
    public void pump() {
        dispatcher.pump();
    }

    /** This instance's delivery outcomes and circuit openings since start. */
    public WebhookCounters counters() {
        return counters;
    }

    /** Endpoints by circuit state ({@code closed}, {@code open}, {@code half_open}) over every org, for a gauge. */
    public Map<String, Long> circuitStates() {
        Instant now = clock.instant();
        Map<String, Long> out = new LinkedHashMap<>(Map.of("closed", 0L, "open", 0L, "half_open", 0L));
        sql.list("counting webhook circuits", "SELECT consecutive_failures, circuit_open_until FROM webhook_endpoints "
                + "WHERE consecutive_failures >= ?", ps -> ps.setInt(1, settings.breakerFailures()),
                rs -> Circuit.of(rs.getInt(1), Sql.instant(rs, "circuit_open_until"), now, settings.breakerFailures()).state())
                .forEach(state -> out.merge(state, 1L, Long::sum));
        out.put("closed", sql.one("counting webhooks", "SELECT count(*) FROM webhook_endpoints", ps -> {}, rs -> rs.getLong(1)).orElse(0L)
                - out.get("open") - out.get("half_open"));
        return out;
    }

    @Override
    public void close() {
        dispatcher.close();
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

    private Webhook webhook(ResultSet rs, Instant now) throws java.sql.SQLException {
        Array events = rs.getArray("events");
        return new Webhook(rs.getString("webhook_id"), rs.getString("url"), Arrays.asList((String[]) events.getArray()),
                Sql.instant(rs, "created_at"), Circuit.of(rs.getInt("consecutive_failures"), Sql.instant(rs, "circuit_open_until"), now,
                        settings.breakerFailures()));
    }
}
