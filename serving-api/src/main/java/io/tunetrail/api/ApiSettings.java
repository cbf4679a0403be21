package io.tunetrail.api;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;

/**
 * The serving API's settings, read once from {@link PlatformConfig} (keys {@code api.*}) plus the plan catalog.
 *
 * @param maxBodyBytes  larger request bodies are refused with 413, chunked or not
 * @param keyCacheMillis how long a key lookup is reused before the database is asked again (revocations made on
 *                      another instance take at most this long)
 * @param webhookDispatchMillis how often due webhook deliveries are sent; 0: never by this instance (tests drive it)
 * @param stripeMaxBodyBytes the Stripe webhook's own, smaller body limit
 * @param metricsToken  the bearer token {@code /metrics} requires; blank: metrics are not served
 */
public record ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis,
        long stripeMaxBodyBytes, String metricsToken) {

    /** Settings with the default Stripe body limit and metrics off. */
    public ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis) {
        this(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis,
                Math.min(maxBodyBytes, Long.parseLong(PlatformConfig.API_STRIPE_MAX_BODY_BYTES.defaultValue())), "");
    }

    public static ApiSettings from(PlatformConfig config, PlanCatalog plans) {
        return new ApiSettings(plans, config.get(PlatformConfig.API_STRIPE_WEBHOOK_SECRET),
                config.getInt(PlatformConfig.API_MAX_BODY_BYTES), config.getInt(PlatformConfig.API_KEY_CACHE_MS),
                config.getInt(PlatformConfig.API_WEBHOOK_DISPATCH_MS), config.getInt(PlatformConfig.API_STRIPE_MAX_BODY_BYTES),
                config.get(PlatformConfig.API_METRICS_TOKEN));
    }
}
