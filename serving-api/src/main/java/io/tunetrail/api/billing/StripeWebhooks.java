package io.tunetrail.api.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.billing.ParkedStripeEvents.Reason;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe webhooks: verifies the signature, applies each event once and in the subscription's own order, parks what
 * cannot be applied yet, and keeps the org's plan in step with its subscription.
 *
 * <p>The signature is checked by stripe-java ({@code Webhook.constructEvent}) with the signing secret; the fields used
 * are then read from the verified JSON ({@link StripeEvent}).
 *
 * <p>Each event is applied in one transaction together with the insert of its id into
 * {@code processed_stripe_events}: a redelivered event changes nothing. Stripe reorders deliveries, so an event about
 * a subscription applies only when it is newer than the last one applied to that subscription
 * ({@link SubscriptionRecency}, state in {@code stripe_subscription_state}); an older one is recorded as
 * {@code stale}. An event naming a customer, org or price we do not know is parked ({@link ParkedStripeEvents}) and
 * re-applied, in Stripe's order, once that customer is linked to an org and whenever the API starts (a price is
 * added to {@code config/plans.yaml} by a restart). Stripe is answered 2xx only once the event is stored (applied,
 * recorded or parked): a failed database write answers 503, so Stripe delivers the event again.
 *
 * <p>A plan change takes effect at once: after the commit the org's cached keys are dropped, so the next request
 * sees the new plan's gates and quotas.
 */
public final class StripeWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooks.class);
    private static final int REAPPLY_BATCH = 1_000;

    /** What happened to one delivery; {@code reason} says why an event was parked. */
    public record Outcome(String eventId, String type, String orgId, String planId, String result, String reason) {}

    /** An outcome and the Stripe customer it linked to an org, if any (whose parked events may now apply). */
    private record Result(Outcome outcome, String linkedCustomer) {}

    /** What an event is about, resolved against our data; {@code unresolved} says why it cannot apply yet. */
    private record Target(String orgId, String customerId, String subscriptionId, String status, String priceId, String planId,
            Reason unresolved) {
        static Target unresolved(Reason why, String orgId, String customerId, String priceId) {
            return new Target(orgId, customerId, null, null, priceId, null, why);
        }
    }

    private final Sql sql;
    private final PlanCatalog plans;
    private final Authenticator authenticator;
    private final String signingSecret;
    private final WebhookService webhooks;
    private final ParkedStripeEvents parked;

    public StripeWebhooks(Sql sql, PlanCatalog plans, Authenticator authenticator, String signingSecret, WebhookService webhooks) {
        this.sql = sql;
        this.plans = plans;
        this.authenticator = authenticator;
        this.signingSecret = signingSecret;
        this.webhooks = webhooks;
        this.parked = new ParkedStripeEvents(sql);
    }

    public Outcome handle(byte[] body, String signatureHeader) {
        StripeEvent event = verify(body, signatureHeader);
        Result result;
        try {
            result = sql.transaction("storing Stripe event " + event.id(), c -> process(c, event, false));
        } catch (StoreException e) {
            LOG.warn("Stripe event {} ({}) could not be stored; answering 503 so Stripe retries it: {}", event.id(), event.type(),
                    e.getMessage());
            throw ApiErrors.unavailable("The Stripe event could not be stored; it was not applied. Stripe delivers it again");
        }
        announce(result.outcome());
        if (result.linkedCustomer() != null) {
            reapplyParked(result.linkedCustomer());
        }
        return result.outcome();
    }

    /**
     * Re-applies the unresolved parked events of one customer (all customers when null), oldest Stripe time first,
     * each in a transaction of its own; an event that still cannot apply stays parked with its attempt counted. Never
     * throws: a failure leaves the event parked for the next attempt.
     */
    public List<Outcome> reapplyParked(String customerId) {
        List<Outcome> out = new ArrayList<>();
        List<String> ids;
        try {
            ids = parked.open(customerId, REAPPLY_BATCH);
        } catch (StoreException e) {
            LOG.warn("Parked Stripe events could not be read; they stay parked: {}", e.getMessage());
            return out;
        }
        for (String id : ids) {
            try {
                Result r = sql.transaction("re-applying parked Stripe event " + id, c -> reapply(c, id));
                if (r != null) {
                    announce(r.outcome());
                    out.add(r.outcome());
                }
            } catch (RuntimeException e) {
                LOG.warn("Parked Stripe event {} could not be re-applied; it stays parked: {}", id, e.getMessage());
            }
        }
        return out;
    }

    private Result reapply(Connection c, String eventId) throws SQLException {
        String payload = ParkedStripeEvents.lockOpen(c, eventId);
        if (payload == null) {
            return null;
        }
        Result r = process(c, StripeEvent.parse(payload), true);
        if ("parked".equals(r.outcome().result())) {
            ParkedStripeEvents.stillParked(c, eventId, reasonOf(r.outcome()));
        } else {
            ParkedStripeEvents.resolved(c, eventId, r.outcome().result());
            LOG.info("Parked Stripe event {} ({}) re-applied: {}", eventId, r.outcome().type(), r.outcome().result());
        }
        return r;
    }

    private StripeEvent verify(byte[] body, String signatureHeader) {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw ApiErrors.unavailable("Stripe webhooks are not configured on this server: set api.stripe.webhook-secret "
                    + "(env TUNETRAIL_API_STRIPE_WEBHOOK_SECRET) to the endpoint's signing secret");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw invalidSignature("the Stripe-Signature header is missing");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        try {
            Webhook.constructEvent(payload, signatureHeader, signingSecret);
        } catch (SignatureVerificationException e) {
            throw invalidSignature(e.getMessage());
        } catch (RuntimeException e) {
            throw invalidSignature("the payload is not a Stripe event (" + e.getClass().getSimpleName() + ")");
        }
        return StripeEvent.parse(payload);
    }

    /** After the commit: a customer's endpoint hears of a change only once it is true. */
    private void announce(Outcome outcome) {
        if (outcome.planId() != null) {
            authenticator.forgetOrg(outcome.orgId());
        }
        if ("plan_changed".equals(outcome.result())) {
            webhooks.emit(outcome.orgId(), "plan.changed", Map.of("plan_id", outcome.planId(), "stripe_event_id", outcome.eventId()));
        }
    }

    private Result process(Connection c, StripeEvent e, boolean fromPark) throws SQLException {
        if (isProcessed(c, e.id()) || (!fromPark && ParkedStripeEvents.isParked(c, e.id()))) {
            return done(e, null, null, "duplicate");
        }
        Target t = target(c, e);
        if (t.unresolved() != null) {
            if (!fromPark) {
                ParkedStripeEvents.park(c, e, t.unresolved(), t.customerId(), t.priceId(), t.orgId());
                LOG.warn("Stripe event {} ({}) parked: {} (customer {}, price {}, org {})", e.id(), e.type(), t.unresolved().wire(),
                        t.customerId(), t.priceId(), t.orgId());
            }
            return new Result(new Outcome(e.id(), e.type(), null, null, "parked", t.unresolved().wire()), null);
        }
        if (!recordProcessed(c, e, t.orgId())) {
            return done(e, t.orgId(), null, "duplicate");
        }
        if (t.orgId() == null) {
            return done(e, null, null, "ignored");
        }
        if (t.subscriptionId() != null && !advance(c, e, t)) {
            LOG.info("Stripe event {} ({}) of subscription {} is older than the last one applied; recorded, not applied", e.id(),
                    e.type(), t.subscriptionId());
            return done(e, t.orgId(), null, "stale");
        }
        link(c, t.orgId(), t.customerId(), t.subscriptionId());
        if (t.planId() == null) {
            return new Result(new Outcome(e.id(), e.type(), t.orgId(), null, "recorded", null), t.customerId());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE organisations SET plan_id = ? WHERE org_id = ? AND NOT frozen AND plan_id IS DISTINCT FROM ?")) {
            ps.setString(1, t.planId());
            ps.setString(2, t.orgId());
            ps.setString(3, t.planId());
            String result = ps.executeUpdate() == 1 ? "plan_changed" : "plan_unchanged";
            if ("plan_changed".equals(result)) {
                io.tunetrail.api.audit.AuditLog.record(c, t.orgId(), io.tunetrail.api.audit.AuditLog.Actor.stripe(e.id()), "org.plan_changed",
                        "organisation", t.orgId(), Map.of("plan_id", t.planId(), "stripe_event_type", e.type()));
            }
            return new Result(new Outcome(e.id(), e.type(), t.orgId(), t.planId(), result, null), t.customerId());
        }
    }

    private static Result done(StripeEvent e, String orgId, String planId, String result) {
        return new Result(new Outcome(e.id(), e.type(), orgId, planId, result, null), null);
    }

    /**
     * The org, customer, subscription and plan an event is about. Checkout sessions name the org as
     * client_reference_id; subscriptions by {@code metadata.org_id} or else by the customer linked to an org.
     */
    private Target target(Connection c, StripeEvent e) throws SQLException {
        String type = e.type();
        if ("checkout.session.completed".equals(type)) {
            String customer = e.text("customer");
            String org = existingOrg(c, e.text("client_reference_id")).orElse(null);
            String price = StripeEvent.text(e.object().path("metadata"), "price_id");
            if (org == null) {
                return Target.unresolved(Reason.UNKNOWN_ORG, e.text("client_reference_id"), customer, price);
            }
            String plan = price == null ? null : planFromPrice(price);
            if (price != null && plan == null) {
                return Target.unresolved(Reason.UNKNOWN_PRICE, org, customer, price);
            }
            return new Target(org, customer, e.text("subscription"), "active", price, plan, null);
        }
        if (!type.startsWith("customer.subscription.")) {
            return new Target(null, null, null, null, null, null, null);
        }
        String customer = e.text("customer");
        String metadataOrg = StripeEvent.text(e.object().path("metadata"), "org_id");
        Optional<String> org = metadataOrg != null ? existingOrg(c, metadataOrg) : orgOfCustomer(c, customer);
        if (org.isEmpty()) {
            return Target.unresolved(metadataOrg != null ? Reason.UNKNOWN_ORG : Reason.UNKNOWN_CUSTOMER, metadataOrg, customer, null);
        }
        String status = "customer.subscription.deleted".equals(type) ? "canceled" : e.text("status");
        boolean live = "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
        if (!live) {
            return new Target(org.get(), customer, e.text("id"), status, null, cancelledPlan(), null);
        }
        // The plan is the subscription's flat price; its metered (usage) prices, in any order beside it, say nothing of the plan.
        String price = null;
        for (JsonNode item : e.object().path("items").path("data")) {
            String itemPrice = StripeEvent.text(item.path("price"), "id");
            if (itemPrice != null && !plans.isMeteredStripePrice(itemPrice)) {
                price = itemPrice;
                break;
            }
        }
        String plan = price == null ? null : planFromPrice(price);
        if (price != null && plan == null) {
            return Target.unresolved(Reason.UNKNOWN_PRICE, org.get(), customer, price);
        }
        return new Target(org.get(), customer, e.text("id"), status, price, plan, null);
    }

    /**
     * Moves the subscription's last applied event forward to {@code e}, or returns false when {@code e} is not newer.
     * The advisory lock serialises two deliveries about one subscription, also before its first row exists.
     */
    private static boolean advance(Connection c, StripeEvent e, Target t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('stripe_subscription:' || ?))")) {
            ps.setString(1, t.subscriptionId());
            ps.execute();
        }
        SubscriptionRecency.Applied last = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, last_event_created FROM stripe_subscription_state WHERE subscription_id = ?")) {
            ps.setString(1, t.subscriptionId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    last = new SubscriptionRecency.Applied(rs.getString(1), Sql.instant(rs, "last_event_created"));
                }
            }
        }
        if (!SubscriptionRecency.isNewer(last, t.status(), e.created())) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stripe_subscription_state (subscription_id, org_id, status, "
                + "last_event_id, last_event_created) VALUES (?, ?, ?, ?, ?) ON CONFLICT (subscription_id) DO UPDATE SET "
                + "org_id = excluded.org_id, status = excluded.status, last_event_id = excluded.last_event_id, "
                + "last_event_created = excluded.last_event_created, updated_at = now()")) {
            ps.setString(1, t.subscriptionId());
            ps.setString(2, t.orgId());
            ps.setString(3, t.status() == null ? "unknown" : t.status());
            ps.setString(4, e.id());
            ps.setTimestamp(5, Sql.ts(e.created()));
            ps.executeUpdate();
        }
        return true;
    }

    private static boolean isProcessed(Connection c, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM processed_stripe_events WHERE event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** False when a concurrent delivery of the same event recorded it first. */
    private static boolean recordProcessed(Connection c, StripeEvent e, String orgId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO processed_stripe_events (event_id, event_type, org_id) "
                + "VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            ps.setString(1, e.id());
            ps.setString(2, e.type());
            ps.setString(3, orgId);
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<String> existingOrg(Connection c, String orgId) throws SQLException {
        return orgId == null ? Optional.empty() : one(c, "SELECT org_id FROM organisations WHERE org_id = ?", orgId);
    }

    private static Optional<String> orgOfCustomer(Connection c, String customer) throws SQLException {
        return customer == null ? Optional.empty() : one(c, "SELECT org_id FROM organisations WHERE stripe_customer_id = ?", customer);
    }

    private static Optional<String> one(Connection c, String sqlText, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sqlText)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void link(Connection c, String orgId, String customer, String subscription) throws SQLException {
        if (customer == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE organisations SET stripe_customer_id = ?, "
                + "stripe_subscription_id = coalesce(?, stripe_subscription_id) WHERE org_id = ? "
                + "AND (stripe_customer_id, stripe_subscription_id) IS DISTINCT FROM (?, coalesce(?, stripe_subscription_id))")) {
            ps.setString(1, customer);
            ps.setString(2, subscription);
            ps.setString(3, orgId);
            ps.setString(4, customer);
            ps.setString(5, subscription);
            ps.executeUpdate();
        }
    }

    private String planFromPrice(String priceId) {
        return plans.planForStripePrice(priceId).map(PlanCatalog.Plan::id).orElse(null);
    }

    /**
     * The plan of an org whose subscription ended: the catalog's first plan (the free, community-featured one). Its
     * premium features go at once.
     */
    private String cancelledPlan() {
        return plans.subscriptionEndedPlan().id();
    }

    private static Reason reasonOf(Outcome o) {
        for (Reason r : Reason.values()) {
            if (r.wire().equals(o.reason())) {
                return r;
            }
        }
        throw new IllegalStateException("a parked outcome without a reason: " + o);
    }

    private static ApiException invalidSignature(String why) {
        return ApiErrors.invalidSignature(why);
    }
}
