package io.tunetrail.api.billing;

import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlanCatalog;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe Checkout sessions for an upgrade and Customer Portal sessions, for an org's owner. Nothing changes here: the
 * plan moves when Stripe's webhooks arrive ({@link StripeWebhooks}), which find the org by the session's
 * {@code client_reference_id} and the subscription's {@code metadata.org_id}, and the plan by {@code metadata.price_id}.
 *
 * <p>Redirect addresses must be under the console's own origin ({@code console.public-url}), so a session can never send
 * a browser elsewhere (no open redirect).
 */
public final class BillingSessions {
    private static final Logger LOG = LoggerFactory.getLogger(BillingSessions.class);
    private static final int MAX_URL = 2048;

    /** {@code price_id}: one of the plan's {@code stripe_price_ids} (default the first, its monthly price). */
    public record CheckoutRequest(String planId, String priceId, String successUrl, String cancelUrl) {
        public CheckoutRequest {
            planId = Check.text("plan_id", planId, 64);
            priceId = priceId == null ? null : Check.text("price_id", priceId, 255);
            Check.required("success_url", successUrl);
            Check.required("cancel_url", cancelUrl);
        }
    }

    public record PortalRequest(String returnUrl) {
        public PortalRequest {
            Check.required("return_url", returnUrl);
        }
    }

    /** Where to send the browser: Stripe's page for the session. */
    public record SessionAnswer(String sessionId, String url, String planId, String priceId) {}

    private final Sql sql;
    private final PlanCatalog plans;
    private final StripeApi stripe;
    private final OrgStore orgs;

    public BillingSessions(Sql sql, PlanCatalog plans, StripeApi stripe) {
        this.sql = sql;
        this.plans = plans;
        this.stripe = stripe;
        this.orgs = new OrgStore(sql);
    }

    public SessionAnswer checkout(Principal p, CheckoutRequest r) {
        PlanCatalog.Plan target = plans.find(r.planId()).orElseThrow(() -> ApiErrors.unknownPlan(r.planId()));
        if (target.stripePriceIds().isEmpty()) {
            throw ApiErrors.planNotForSale(target.id());
        }
        String price = r.priceId() == null ? target.stripePriceIds().get(0) : r.priceId();
        if (!target.stripePriceIds().contains(price)) {
            throw ApiErrors.priceNotOfPlan(price, target.id(), target.stripePriceIds());
        }
        String success = redirect("success_url", r.successUrl());
        String cancel = redirect("cancel_url", r.cancelUrl());
        OrgStore.Org org = orgs.get(p.orgId()).orElseThrow(() -> ApiErrors.notFound("organisation", p.orgId()));
        if (!isUpgrade(org.planId(), target)) {
            throw ApiErrors.notAnUpgrade(org.planId(), target.id());
        }
        if (hasLiveSubscription(org.orgId())) {
            throw ApiErrors.subscriptionExists();
        }
        requireConfigured();
        SessionCreateParams.Builder b = SessionCreateParams.builder().setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setClientReferenceId(org.orgId()).setSuccessUrl(success).setCancelUrl(cancel)
                .putMetadata("org_id", org.orgId()).putMetadata("price_id", price)
                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder().putMetadata("org_id", org.orgId()).build())
                .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(1L).build());
        // Metered prices carry no quantity: Stripe bills them from the meter events the billing sync reports.
        target.stripeMeteredPrices().values().forEach(m -> b.addLineItem(SessionCreateParams.LineItem.builder().setPrice(m).build()));
        if (org.stripeCustomerId() != null) {
            b.setCustomer(org.stripeCustomerId());
        }
        SessionCreateParams params = b.build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey("tt-checkout-" + UUID.randomUUID()).build();
        Session s = call("checkout session for org " + org.orgId(), () -> stripe.call("creating a checkout session",
                c -> c.checkout().sessions().create(params, options)).value());
        return new SessionAnswer(s.getId(), s.getUrl(), target.id(), price);
    }

    public SessionAnswer portal(Principal p, PortalRequest r) {
        String back = redirect("return_url", r.returnUrl());
        OrgStore.Org org = orgs.get(p.orgId()).orElseThrow(() -> ApiErrors.notFound("organisation", p.orgId()));
        if (org.stripeCustomerId() == null) {
            throw ApiErrors.noStripeCustomer();
        }
        requireConfigured();
        com.stripe.param.billingportal.SessionCreateParams params = com.stripe.param.billingportal.SessionCreateParams.builder()
                .setCustomer(org.stripeCustomerId()).setReturnUrl(back).build();
        RequestOptions options = RequestOptions.builder().setIdempotencyKey("tt-portal-" + UUID.randomUUID()).build();
        com.stripe.model.billingportal.Session s = call("portal session for org " + org.orgId(), () -> stripe.call(
                "creating a portal session", c -> c.billingPortal().sessions().create(params, options)).value());
        return new SessionAnswer(s.getId(), s.getUrl(), org.planId(), null);
    }

    /** Higher list price than the current plan's; a plan that is not sold (community) is below every sold one. */
    private boolean isUpgrade(String currentPlanId, PlanCatalog.Plan target) {
        PlanCatalog.Plan current = plans.find(currentPlanId).orElse(null);
        double now = current == null || current.monthlyPriceUsd() == null ? -1 : current.monthlyPriceUsd();
        return target.monthlyPriceUsd() != null && target.monthlyPriceUsd() > now;
    }

    private boolean hasLiveSubscription(String orgId) {
        return sql.one("reading the org's subscription", "SELECT 1 FROM stripe_subscription_state WHERE org_id = ? "
                + "AND status IN ('active', 'trialing', 'past_due') LIMIT 1", ps -> ps.setString(1, orgId), rs -> true).isPresent();
    }

    private void requireConfigured() {
        if (!stripe.configured()) {
            throw ApiErrors.billingNotConfigured();
        }
    }

    private String redirect(String field, String url) {
        String origin = stripe.settings().redirectOrigin();
        if (url.length() > MAX_URL) {
            throw ApiErrors.redirectNotAllowed(field, origin);
        }
        try {
            URI u = new URI(url);
            // Compare the parsed parts, not a string prefix: https://console.example.com.evil.test or a user-info
            // trick (https://console.example.com@evil.test) must not pass.
            if (!u.isAbsolute() || u.getRawUserInfo() != null || u.getHost() == null || u.getRawAuthority() == null
                    || !(u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT)).equals(origin)) {
                throw ApiErrors.redirectNotAllowed(field, origin);
            }
        } catch (URISyntaxException e) {
            throw ApiErrors.redirectNotAllowed(field, origin);
        }
        return url;
    }

    private interface StripeWork<T> {
        T run();
    }

    private static <T> T call(String what, StripeWork<T> work) {
        try {
            return work.run();
        } catch (StripeApi.Failure f) {
            LOG.warn("Stripe {} failed: {}", what, f.getMessage());
            throw f.unreachable() ? ApiErrors.stripeUnavailable() : ApiErrors.stripeRefused(f.status(), f.stripeCode());
        }
    }
}
