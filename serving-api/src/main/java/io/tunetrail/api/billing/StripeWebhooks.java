package io.tunetrail.api.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe webhooks: verifies the signature, applies each event once, and keeps the org's plan in step with its
 * subscription.
 *
 * <p>The signature is checked by stripe-java ({@code Webhook.constructEvent}) with the signing secret. The event's
 * data object is then read from the verified JSON itself rather than through stripe-java's typed model: that model
 * deserialises to an empty object when the event's {@code api_version} differs from the library's (STACK.md gotcha
 * 9), and the few fields needed here (customer, subscription, status, price ids) are stable across versions.
 *
 * <p>Each event is applied in one transaction together with the insert of its id into
 * {@code processed_stripe_events}: a redelivered event changes nothing. A plan change takes effect at once: the
 * org's cached keys are dropped, so the next request sees the new plan's gates and quotas.
 */
public final class StripeWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooks.class);

    /** What happened to one delivery. */
    public record Outcome(String eventId, String type, String orgId, String planId, String result) {}

    private final Sql sql;
    private final PlanCatalog plans;
    private final Authenticator authenticator;
    private final String signingSecret;
    private final WebhookService webhooks;

    public StripeWebhooks(Sql sql, PlanCatalog plans, Authenticator authenticator, String signingSecret, WebhookService webhooks) {
        this.sql = sql;
        this.plans = plans;
        this.authenticator = authenticator;
        this.signingSecret = signingSecret;
        this.webhooks = webhooks;
    }

    public Outcome handle(byte[] body, String signatureHeader) {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw ApiErrors.unavailable("Stripe webhooks are not configured on this server: set api.stripe.webhook-secret "
                    + "(env TUNETRAIL_API_STRIPE_WEBHOOK_SECRET) to the endpoint's signing secret");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw invalidSignature("the Stripe-Signature header is missing");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        Event event;
        try {
            event = Webhook.constructEvent(payload, signatureHeader, signingSecret);
        } catch (SignatureVerificationException e) {
            throw invalidSignature(e.getMessage());
        } catch (RuntimeException e) {
            throw invalidSignature("the payload is not a Stripe event (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode object = Json.tree(body).path("data").path("object");
        String type = event.getType();
        Outcome outcome = sql.transaction("applying Stripe event " + event.getId(), c -> apply(c, event.getId(), type, object));
        if ("plan_changed".equals(outcome.result())) {
            // After the commit: a customer's endpoint hears of a change only once it is true.
            webhooks.emit(outcome.orgId(), "plan.changed", java.util.Map.of("plan_id", outcome.planId(), "stripe_event_id", outcome.eventId()));
        }
        return outcome;
    }

    private Outcome apply(Connection c, String eventId, String type, JsonNode object) throws SQLException {
        Optional<String> orgId = resolveOrg(c, type, object);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO processed_stripe_events (event_id, event_type, org_id) "
                + "VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            ps.setString(1, eventId);
            ps.setString(2, type);
            ps.setString(3, orgId.orElse(null));
            if (ps.executeUpdate() == 0) {
                return new Outcome(eventId, type, orgId.orElse(null), null, "duplicate");
            }
        }
        if (orgId.isEmpty()) {
            LOG.warn("Stripe event {} ({}) names no org we know; recorded and ignored", eventId, type);
            return new Outcome(eventId, type, null, null, "ignored_unknown_org");
        }
        String org = orgId.get();
        String planId = switch (type) {
            case "checkout.session.completed" -> {
                link(c, org, text(object, "customer"), text(object, "subscription"));
                yield planFromPrice(text(object.path("metadata"), "price_id"));
            }
            case "customer.subscription.created", "customer.subscription.updated" -> {
                link(c, org, text(object, "customer"), text(object, "id"));
                String status = text(object, "status");
                boolean live = "active".equals(status) || "trialing".equals(status) || "past_due".equals(status);
                yield live ? planFromPrice(text(object.path("items").path("data").path(0).path("price"), "id")) : cancelledPlan();
            }
            case "customer.subscription.deleted" -> cancelledPlan();
            default -> null;
        };
        if (planId == null) {
            return new Outcome(eventId, type, org, null, "recorded");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE organisations SET plan_id = ? WHERE org_id = ? AND NOT frozen AND plan_id IS DISTINCT FROM ?")) {
            ps.setString(1, planId);
            ps.setString(2, org);
            ps.setString(3, planId);
            int changed = ps.executeUpdate();
            authenticator.forgetOrg(org);
            return new Outcome(eventId, type, org, planId, changed == 1 ? "plan_changed" : "plan_unchanged");
        }
    }

    /** The org an event concerns: checkout sessions carry it as client_reference_id, subscriptions by customer. */
    private Optional<String> resolveOrg(Connection c, String type, JsonNode object) throws SQLException {
        String sqlText;
        String value;
        if ("checkout.session.completed".equals(type)) {
            sqlText = "SELECT org_id FROM organisations WHERE org_id = ?";
            value = text(object, "client_reference_id");
        } else if (type.startsWith("customer.subscription.")) {
            String metadataOrg = text(object.path("metadata"), "org_id");
            if (metadataOrg != null) {
                sqlText = "SELECT org_id FROM organisations WHERE org_id = ?";
                value = metadataOrg;
            } else {
                sqlText = "SELECT org_id FROM organisations WHERE stripe_customer_id = ?";
                value = text(object, "customer");
            }
        } else {
            return Optional.empty();
        }
        if (value == null) {
            return Optional.empty();
        }
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
        return priceId == null ? null : plans.planForStripePrice(priceId).map(PlanCatalog.Plan::id).orElseGet(() -> {
            LOG.warn("Stripe price {} is in no plan of the catalog; plan left unchanged", priceId);
            return null;
        });
    }

    /**
     * The plan of an org whose subscription ended: the catalog's first plan (the free, community-featured one). Its
     * premium features go at once.
     */
    private String cancelledPlan() {
        return plans.subscriptionEndedPlan().id();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isTextual() ? null : v.asText();
    }

    private static ApiException invalidSignature(String why) {
        return ApiErrors.invalidSignature(why);
    }
}
