package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.billing.BillingSessions;
import io.tunetrail.api.billing.StripeWebhooks;
import io.tunetrail.api.limits.Gate;
import java.util.List;

/** Stripe's webhook endpoint (authenticated by its signature, not an API key) and the owner's checkout and portal sessions. */
public final class BillingController {
    /** Stripe's route; its body limit is its own ({@code api.stripe.max-body-bytes}). */
    public static final String STRIPE_WEBHOOK = "/billing/stripe/webhook";
    private static final String BILLING = "Billing";
    private static final Gate OWNER = Gate.unmetered(Scope.ADMIN, null).requiring(Role.OWNER);

    private final StripeWebhooks webhooks;
    private final BillingSessions sessions;

    public BillingController(StripeWebhooks webhooks, BillingSessions sessions) {
        this.webhooks = webhooks;
        this.sessions = sessions;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.post(STRIPE_WEBHOOK, Gate.PUBLIC, BILLING,
                "Stripe webhook (checkout.session.completed, customer.subscription.created|updated|deleted); verified by Stripe-Signature",
                ctx -> ctx.json(webhooks.handle(ctx.bodyAsBytes(), ctx.header("Stripe-Signature")))).body("StripeEvent").returns(StripeWebhooks.Outcome.class),
                ApiRoute.post("/api/v1/billing/checkout", OWNER, BILLING,
                        "Start a Stripe Checkout session to upgrade to a paid plan (owner); the plan changes when Stripe's webhook confirms "
                                + "the payment. success_url and cancel_url must be under the console's address",
                        ctx -> ctx.status(201).json(sessions.checkout(principal(ctx), Json.read(ctx.bodyAsBytes(), BillingSessions.CheckoutRequest.class))))
                        .body("CheckoutRequest").status(201).returns(BillingSessions.SessionAnswer.class),
                ApiRoute.post("/api/v1/billing/portal", OWNER, BILLING,
                        "Open a Stripe Customer Portal session (owner): invoices, payment method, plan changes and cancellation. "
                                + "return_url must be under the console's address",
                        ctx -> ctx.status(201).json(sessions.portal(principal(ctx), Json.read(ctx.bodyAsBytes(), BillingSessions.PortalRequest.class))))
                        .body("PortalRequest").status(201).returns(BillingSessions.SessionAnswer.class));
    }
}
