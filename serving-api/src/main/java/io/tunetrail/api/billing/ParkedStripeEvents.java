package io.tunetrail.api.billing;

import io.tunetrail.api.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe events verified but not applicable yet ({@code parked_stripe_events}): the customer, org or price they name
 * is unknown. They are answered 200 (Stripe must stop retrying what we have stored), listed for operators and
 * re-applied by {@link StripeWebhooks#reapplyParked} when the mapping may have appeared.
 */
public final class ParkedStripeEvents {
    /** Why an event is parked; the wire names are the table's {@code reason} values. */
    public enum Reason {
        UNKNOWN_CUSTOMER("unknown_customer"), UNKNOWN_PRICE("unknown_price"), UNKNOWN_ORG("unknown_org");

        private final String wire;

        Reason(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** One parked event as operators see it. */
    public record Parked(String eventId, String eventType, String reason, String customerId, String priceId, String orgId,
            Instant eventCreated, Instant parkedAt, int attempts, Instant resolvedAt, String resolution) {}

    private static final String COLUMNS = "event_id, event_type, reason, customer_id, price_id, org_id, event_created, parked_at, "
            + "attempts, resolved_at, resolution";

    private final Sql sql;

    public ParkedStripeEvents(Sql sql) {
        this.sql = sql;
    }

    /** Newest first; only the unresolved ones unless {@code withResolved}. */
    public List<Parked> list(boolean withResolved, int limit) {
        return sql.list("listing parked Stripe events", "SELECT " + COLUMNS + " FROM parked_stripe_events "
                + (withResolved ? "" : "WHERE resolved_at IS NULL ") + "ORDER BY parked_at DESC, event_id LIMIT ?",
                ps -> ps.setInt(1, limit), ParkedStripeEvents::parked);
    }

    /** Ids of unresolved events, oldest Stripe time first (so they apply in order); all customers when null. */
    List<String> open(String customerId, int limit) {
        return sql.list("finding parked Stripe events", "SELECT event_id FROM parked_stripe_events WHERE resolved_at IS NULL "
                + (customerId == null ? "AND ?::text IS NULL " : "AND customer_id = ? ") + "ORDER BY event_created, event_id LIMIT ?",
                ps -> {
                    ps.setString(1, customerId);
                    ps.setInt(2, limit);
                }, rs -> rs.getString(1));
    }

    /** Stores the event; false when it is parked already (a redelivery). */
    static boolean park(Connection c, StripeEvent e, Reason reason, String customerId, String priceId, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO parked_stripe_events (event_id, event_type, reason, customer_id, "
                + "price_id, org_id, event_created, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO NOTHING")) {
            ps.setString(1, e.id());
            ps.setString(2, e.type());
            ps.setString(3, reason.wire());
            ps.setString(4, customerId);
            ps.setString(5, priceId);
            ps.setString(6, orgId);
            ps.setTimestamp(7, Sql.ts(e.created()));
            ps.setString(8, e.payload());
            return ps.executeUpdate() == 1;
        }
    }

    static boolean isParked(Connection c, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM parked_stripe_events WHERE event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Locks an unresolved parked event for re-applying and returns its payload; null when it is resolved or another
     * worker holds it (two API instances starting at once must not apply it twice).
     */
    static String lockOpen(Connection c, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT payload::text FROM parked_stripe_events WHERE event_id = ? "
                + "AND resolved_at IS NULL FOR UPDATE SKIP LOCKED")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void resolved(Connection c, String eventId, String resolution) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE parked_stripe_events SET resolved_at = now(), resolution = ?, "
                + "attempts = attempts + 1, last_attempt_at = now() WHERE event_id = ?")) {
            ps.setString(1, resolution);
            ps.setString(2, eventId);
            ps.executeUpdate();
        }
    }

    static void stillParked(Connection c, String eventId, Reason reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE parked_stripe_events SET reason = ?, attempts = attempts + 1, "
                + "last_attempt_at = now() WHERE event_id = ?")) {
            ps.setString(1, reason.wire());
            ps.setString(2, eventId);
            ps.executeUpdate();
        }
    }

    private static Parked parked(ResultSet rs) throws SQLException {
        return new Parked(rs.getString("event_id"), rs.getString("event_type"), rs.getString("reason"), rs.getString("customer_id"),
                rs.getString("price_id"), rs.getString("org_id"), Sql.instant(rs, "event_created"), Sql.instant(rs, "parked_at"),
                rs.getInt("attempts"), Sql.instant(rs, "resolved_at"), rs.getString("resolution"));
    }
}
