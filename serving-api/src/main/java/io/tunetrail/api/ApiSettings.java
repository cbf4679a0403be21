package io.tunetrail.api;

import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.billing.StripeSettings;
import io.tunetrail.api.webhook.HostResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;

/**
 * The serving API's settings, read once from {@link PlatformConfig} (keys {@code api.*}) plus the plan catalog.
 *
 * @param maxBodyBytes  larger request bodies are refused with 413, chunked or not
 * @param keyCacheMillis how long a key lookup is reused before the database is asked again (revocations made on
 *                      another instance take at most this long)
 * @param webhookDispatchMillis how often due webhook deliveries are sent; 0: never by this instance (tests drive it)
 * @param webhooks      how webhook URLs are checked, deliveries sent and secrets sealed
 * @param keyCacheMaxEntries at most this many key lookups are cached (the rest cost a database lookup each)
 * @param stripeMaxBodyBytes the Stripe webhook's own, smaller body limit
 * @param metricsToken  the bearer token {@code /metrics} requires; blank: metrics are not served
 * @param audio         limits, pool and store of audio analysis
 * @param stripe        how checkout and portal sessions call Stripe (off without an API key)
 * @param canary        how much feedback a canary decision needs and how often canaries are decided
 * @param familiesMissTtlMillis how long a served version label the model registry does not know is remembered as
 *                      unknown (a label registered later shows its family within this bound)
 */
public record ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis,
        WebhookSettings webhooks, int keyCacheMaxEntries, long stripeMaxBodyBytes, String metricsToken, AudioSettings audio, StripeSettings stripe, Canary canary,
        long familiesMissTtlMillis) {

    /** Without the webhook signing secret and the metrics token: settings end up in logs and error reports. */
    @Override
    public String toString() {
        return "ApiSettings[plans=" + plans + ", stripeWebhookSecret=" + hidden(stripeWebhookSecret) + ", maxBodyBytes=" + maxBodyBytes
                + ", keyCacheMillis=" + keyCacheMillis + ", webhookDispatchMillis=" + webhookDispatchMillis + ", webhooks=" + webhooks
                + ", keyCacheMaxEntries=" + keyCacheMaxEntries + ", stripeMaxBodyBytes=" + stripeMaxBodyBytes + ", metricsToken="
                + hidden(metricsToken) + ", audio=" + audio + ", stripe=" + stripe + ", canary=" + canary
                + ", familiesMissTtlMillis=" + familiesMissTtlMillis + "]";
    }

    private static String hidden(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : "(set)";
    }

    /** Judgements each canary arm needs for a decision on the figures, and how often this instance decides. */
    public record Canary(long minJudgements, java.time.Duration decideEvery) {
        public static final Canary DEFAULT = new Canary(Long.parseLong(PlatformConfig.API_CANARY_MIN_JUDGEMENTS.defaultValue()),
                java.time.Duration.ofSeconds(Long.parseLong(PlatformConfig.API_CANARY_DECIDE_INTERVAL_SECONDS.defaultValue())));

        static Canary from(PlatformConfig config) {
            return new Canary(config.getInt(PlatformConfig.API_CANARY_MIN_JUDGEMENTS),
                    java.time.Duration.ofSeconds(config.getInt(PlatformConfig.API_CANARY_DECIDE_INTERVAL_SECONDS)));
        }
    }

    /** These settings with the default expiry of remembered unknown version labels. */
    public ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis,
            WebhookSettings webhooks, int keyCacheMaxEntries, long stripeMaxBodyBytes, String metricsToken, AudioSettings audio,
            StripeSettings stripe, Canary canary) {
        this(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks, keyCacheMaxEntries, stripeMaxBodyBytes,
                metricsToken, audio, stripe, canary, Long.parseLong(PlatformConfig.API_FAMILIES_MISS_TTL_MS.defaultValue()));
    }

    /** Webhooks with the settings of a loopback-bound API (loopback targets refused, the local-only sealing key). */
    public ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis) {
        this(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, WebhookSettings.local(HostResolver.SYSTEM));
    }

    /** These webhook settings, the default key cache size and Stripe body limit, metrics off. */
    public ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis,
            WebhookSettings webhooks) {
        this(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks,
                Integer.parseInt(PlatformConfig.API_KEY_CACHE_MAX_ENTRIES.defaultValue()),
                Math.min(maxBodyBytes, Long.parseLong(PlatformConfig.API_STRIPE_MAX_BODY_BYTES.defaultValue())), "");
    }

    /** Audio analysis with the default settings, keeping uploads under the system's temporary folder. */
    public ApiSettings(PlanCatalog plans, String stripeWebhookSecret, long maxBodyBytes, long keyCacheMillis, long webhookDispatchMillis,
            WebhookSettings webhooks, int keyCacheMaxEntries, long stripeMaxBodyBytes, String metricsToken) {
        this(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks, keyCacheMaxEntries, stripeMaxBodyBytes,
                metricsToken, AudioSettings.defaults(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "tunetrail-audio")),
                StripeSettings.OFF, Canary.DEFAULT);
    }

    /** These settings with other webhook settings. */
    public ApiSettings withWebhooks(WebhookSettings newWebhooks) {
        return new ApiSettings(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, newWebhooks, keyCacheMaxEntries,
                stripeMaxBodyBytes, metricsToken, audio, stripe, canary, familiesMissTtlMillis);
    }

    /** These settings with key lookups reused for {@code millis} (tests of the cache's bound). */
    public ApiSettings withKeyCacheMillis(long millis) {
        return new ApiSettings(plans, stripeWebhookSecret, maxBodyBytes, millis, webhookDispatchMillis, webhooks, keyCacheMaxEntries,
                stripeMaxBodyBytes, metricsToken, audio, stripe, canary, familiesMissTtlMillis);
    }

    /** These settings calling Stripe with other settings. */
    public ApiSettings withStripe(StripeSettings newStripe) {
        return new ApiSettings(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks, keyCacheMaxEntries,
                stripeMaxBodyBytes, metricsToken, audio, newStripe, canary, familiesMissTtlMillis);
    }

    /** These settings with other canary settings. */
    public ApiSettings withCanary(Canary newCanary) {
        return new ApiSettings(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks, keyCacheMaxEntries,
                stripeMaxBodyBytes, metricsToken, audio, stripe, newCanary, familiesMissTtlMillis);
    }

    /** These settings with other audio analysis settings. */
    public ApiSettings withAudio(AudioSettings newAudio) {
        return new ApiSettings(plans, stripeWebhookSecret, maxBodyBytes, keyCacheMillis, webhookDispatchMillis, webhooks, keyCacheMaxEntries,
                stripeMaxBodyBytes, metricsToken, newAudio, stripe, canary, familiesMissTtlMillis);
    }

    public static ApiSettings from(PlatformConfig config, PlanCatalog plans) {
        return new ApiSettings(plans, config.get(PlatformConfig.API_STRIPE_WEBHOOK_SECRET),
                config.getInt(PlatformConfig.API_MAX_BODY_BYTES), config.getInt(PlatformConfig.API_KEY_CACHE_MS),
                config.getInt(PlatformConfig.API_WEBHOOK_DISPATCH_MS), WebhookSettings.from(config),
                config.getInt(PlatformConfig.API_KEY_CACHE_MAX_ENTRIES), config.getInt(PlatformConfig.API_STRIPE_MAX_BODY_BYTES),
                config.get(PlatformConfig.API_METRICS_TOKEN), AudioSettings.from(config), StripeSettings.from(config),
                Canary.from(config), config.getLong(PlatformConfig.API_FAMILIES_MISS_TTL_MS));
    }
}
