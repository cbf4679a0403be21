package io.tunetrail.api.webhook;

import io.tunetrail.api.store.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The deliveries table as a fair queue: which deliveries to send next (round robin over orgs, the oldest due delivery
 * of each endpoint whose circuit lets it through and which has none in flight), the lease that claims one, and the
 * record of an attempt, which also moves the endpoint's circuit breaker.
 */
public final class DeliveryQueue {
    /** A due delivery, not yet claimed. */
    public record Candidate(String orgId, String webhookId, String deliveryId) {}

    /** A claimed delivery, with what sending it needs. */
    public record Claimed(String orgId, String webhookId, String deliveryId, String eventType, String payload, int attempts, String url) {}

    static final int MAX_ATTEMPTS = 8;

    private final Sql sql;

    public DeliveryQueue(Sql sql) {
        this.sql = sql;
    }

    /**
     * Up to {@code limit} candidates, one per endpoint, ordered so that each org's oldest endpoint comes before any
     * org's second: an org with many busy endpoints waits its turn behind the others.
     */
    public List<Candidate> candidates(Instant now, int limit) {
        return sql.list("finding due webhook deliveries", "WITH due AS (SELECT DISTINCT ON (d.org_id, d.webhook_id) d.org_id, d.webhook_id, "
                + "d.delivery_id, d.next_attempt_at FROM webhook_deliveries d JOIN webhook_endpoints w ON w.org_id = d.org_id "
                + "AND w.webhook_id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
                + "AND (w.circuit_open_until IS NULL OR w.circuit_open_until <= ?) "
                + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries l WHERE l.org_id = d.org_id AND l.webhook_id = d.webhook_id "
                + "AND l.status = 'pending' AND l.lease_until > ?) "
                + "ORDER BY d.org_id, d.webhook_id, d.next_attempt_at, d.delivery_id) "
                + "SELECT org_id, webhook_id, delivery_id FROM (SELECT due.*, row_number() OVER (PARTITION BY org_id "
                + "ORDER BY next_attempt_at, webhook_id) AS turn FROM due) t ORDER BY turn, next_attempt_at, org_id LIMIT ?", ps -> {
                    ps.setTimestamp(1, Sql.ts(now));
                    ps.setTimestamp(2, Sql.ts(now));
                    ps.setTimestamp(3, Sql.ts(now));
                    ps.setInt(4, limit);
                }, rs -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /**
     * Leases the delivery until {@code now + lease}, unless it is no longer due, its circuit opened, or another
     * delivery of its endpoint is leased (by any instance: the endpoint row is locked while this is decided).
     */
    public Optional<Claimed> claim(Candidate c, Instant now, Duration lease) {
        return sql.transaction("claiming a webhook delivery", connection -> {
            try (var lock = connection.prepareStatement("SELECT 1 FROM webhook_endpoints WHERE org_id = ? AND webhook_id = ? "
                    + "AND (circuit_open_until IS NULL OR circuit_open_until <= ?) FOR UPDATE SKIP LOCKED")) {
                lock.setString(1, c.orgId());
                lock.setString(2, c.webhookId());
                lock.setTimestamp(3, Sql.ts(now));
                try (var rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Claimed>empty();
                    }
                }
            }
            try (var ps = connection.prepareStatement("UPDATE webhook_deliveries d SET lease_until = ? FROM webhook_endpoints w "
                    + "WHERE d.org_id = ? AND d.delivery_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ? "
                    + "AND (d.lease_until IS NULL OR d.lease_until <= ?) AND w.org_id = d.org_id AND w.webhook_id = d.webhook_id "
                    + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries l WHERE l.org_id = d.org_id AND l.webhook_id = d.webhook_id "
                    + "AND l.delivery_id <> d.delivery_id AND l.status = 'pending' AND l.lease_until > ?) "
                    + "RETURNING d.org_id, d.webhook_id, d.delivery_id, d.event_type, d.payload::text, d.attempts, w.url")) {
                ps.setTimestamp(1, Sql.ts(now.plus(lease)));
                ps.setString(2, c.orgId());
                ps.setString(3, c.deliveryId());
                ps.setTimestamp(4, Sql.ts(now));
                ps.setTimestamp(5, Sql.ts(now));
                ps.setTimestamp(6, Sql.ts(now));
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getString(7))) : Optional.<Claimed>empty();
                }
            }
        });
    }

    /**
     * Records an attempt and releases the lease: delivered, retried after {@link #backoff}, or failed after
     * {@value #MAX_ATTEMPTS} attempts; and the endpoint's breaker: closed by a success, one failure more otherwise,
     * opened for {@code cooldown} from the {@code breakerFailures}th consecutive failure on (so a failed trial of a
     * half-open circuit opens it again). Returns true when this attempt opened the circuit.
     */
    public boolean record(Claimed d, DeliveryOutcome outcome, Integer statusCode, Instant now, int breakerFailures, Duration cooldown) {
        boolean ok = outcome.ok();
        int attempts = d.attempts() + 1;
        String status = ok ? "delivered" : attempts >= MAX_ATTEMPTS ? "failed" : "pending";
        return sql.transaction("recording a webhook delivery", connection -> {
            try (var ps = connection.prepareStatement("UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
                    + "last_status_code = ?, last_error = ?, lease_until = NULL, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END "
                    + "WHERE org_id = ? AND delivery_id = ?")) {
                ps.setString(1, status);
                ps.setInt(2, attempts);
                ps.setTimestamp(3, Sql.ts(now.plus(backoff(attempts))));
                ps.setObject(4, statusCode);
                ps.setString(5, ok ? null : outcome.code());
                ps.setBoolean(6, ok);
                ps.setTimestamp(7, Sql.ts(now));
                ps.setString(8, d.orgId());
                ps.setString(9, d.deliveryId());
                ps.executeUpdate();
            }
            try (var ps = connection.prepareStatement(ok
                    ? "UPDATE webhook_endpoints SET consecutive_failures = 0, circuit_open_until = NULL WHERE org_id = ? AND webhook_id = ? "
                            + "RETURNING false"
                    : "UPDATE webhook_endpoints w SET consecutive_failures = w.consecutive_failures + 1, circuit_open_until = CASE "
                            + "WHEN w.consecutive_failures + 1 >= ? THEN ? ELSE w.circuit_open_until END WHERE org_id = ? AND webhook_id = ? "
                            + "RETURNING w.consecutive_failures >= ?")) {
                int i = 1;
                if (!ok) {
                    ps.setInt(i++, breakerFailures);
                    ps.setTimestamp(i++, Sql.ts(now.plus(cooldown)));
                }
                ps.setString(i++, d.orgId());
                ps.setString(i++, d.webhookId());
                if (!ok) {
                    ps.setInt(i, breakerFailures);
                }
                try (var rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    /** 10 s, 20 s, 40 s, ... up to an hour. */
    public static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(3600, 10L << Math.min(20, attempts - 1)));
    }
}
