package io.tunetrail.api.http;

import io.tunetrail.api.billing.StripeWebhooks;
import io.tunetrail.api.limits.Gate;
import java.util.List;

/** Stripe's webhook endpoint: authenticated by its signature, not an API key. */
public final class BillingController {
    /** Stripe's route; its body limit is its own ({@code api.stripe.max-body-bytes}). */
    public static final String STRIPE_WEBHOOK = "/billing/stripe/webhook";

    private final StripeWebhooks webhooks;

    public BillingController(StripeWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.post(STRIPE_WEBHOOK, Gate.PUBLIC, "Billing",
                "Stripe webhook (checkout.session.completed, customer.subscription.created|updated|deleted); verified by Stripe-Signature",
                ctx -> ctx.json(webhooks.handle(ctx.bodyAsBytes(), ctx.header("Stripe-Signature")))).body("StripeEvent").returns(StripeWebhooks.Outcome.class));
    }
}
