package io.tunetrail.api.billing;

import io.tunetrail.model.PlatformConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the platform calls Stripe (keys {@code api.stripe.*}): the secret key, Stripe's address, the billing meter of each
 * usage resource, retries, and the one origin checkout and portal sessions may send a browser back to.
 *
 * @param apiKey         the secret key; blank: checkout, portal and meter sync are off
 * @param apiBase        Stripe's API address ({@code https://api.stripe.com}; a local stand-in in tests)
 * @param meters         usage-ledger resource → the meter's {@code event_name}
 * @param maxAttempts    attempts of one call (connection errors, 409, 429 and 5xx are retried)
 * @param retryBase      the wait before the second attempt; it doubles for each further one
 * @param timeout        connect and read timeout of one attempt
 * @param redirectOrigin the console's origin ({@code console.public-url}): success, cancel and return URLs must start with it
 */
public record StripeSettings(String apiKey, String apiBase, Map<String, String> meters, int maxAttempts, Duration retryBase,
        Duration timeout, String redirectOrigin) {

    /** Stripe switched off: what tests and servers without a key get. */
    public static final StripeSettings OFF = new StripeSettings("", "https://api.stripe.com", Map.of(), 1, Duration.ZERO,
            Duration.ofSeconds(10), "http://127.0.0.1:18080");

    public StripeSettings {
        meters = Collections.unmodifiableMap(new LinkedHashMap<>(meters));
        redirectOrigin = origin(redirectOrigin);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(PlatformConfig.API_STRIPE_MAX_ATTEMPTS.describe() + " must be at least 1");
        }
    }

    public static StripeSettings from(PlatformConfig config) {
        return new StripeSettings(config.get(PlatformConfig.API_STRIPE_API_KEY), config.get(PlatformConfig.API_STRIPE_API_BASE),
                meters(config.get(PlatformConfig.API_STRIPE_METERS)), config.getInt(PlatformConfig.API_STRIPE_MAX_ATTEMPTS),
                Duration.ofMillis(config.getInt(PlatformConfig.API_STRIPE_RETRY_BASE_MS)),
                Duration.ofMillis(config.getInt(PlatformConfig.API_STRIPE_TIMEOUT_MS)), config.get(PlatformConfig.CONSOLE_PUBLIC_URL));
    }

    /** These settings calling another Stripe address with another key (tests: the stand-in server). */
    public StripeSettings withApi(String newApiKey, String newApiBase) {
        return new StripeSettings(newApiKey, newApiBase, meters, maxAttempts, retryBase, timeout, redirectOrigin);
    }

    public StripeSettings withMeters(Map<String, String> newMeters) {
        return new StripeSettings(apiKey, apiBase, newMeters, maxAttempts, retryBase, timeout, redirectOrigin);
    }

    public StripeSettings withRetries(int newMaxAttempts, Duration newRetryBase) {
        return new StripeSettings(apiKey, apiBase, meters, newMaxAttempts, newRetryBase, timeout, redirectOrigin);
    }

    public boolean configured() {
        return apiKey != null && !apiKey.isBlank();
    }

    /** {@code resource=event_name,...}; a bad entry fails naming the key. */
    static Map<String, String> meters(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] kv = entry.trim().split("=", 2);
            if (kv.length != 2 || !kv[0].trim().matches("[a-z][a-z0-9_]{0,63}") || !kv[1].trim().matches("[A-Za-z0-9_.:-]{1,100}")) {
                throw new IllegalArgumentException(PlatformConfig.API_STRIPE_METERS.describe() + ": '" + entry.trim()
                        + "' is not resource=event_name (e.g. api_calls=tunetrail_api_calls)");
            }
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }

    /** scheme://host[:port] of an absolute http(s) URL, lower-cased; what redirect URLs are compared with. */
    static String origin(String url) {
        URI u = URI.create(url.trim());
        if (u.getScheme() == null || u.getHost() == null || !(u.getScheme().equalsIgnoreCase("https") || u.getScheme().equalsIgnoreCase("http"))) {
            throw new IllegalArgumentException(PlatformConfig.CONSOLE_PUBLIC_URL.describe() + ": '" + url + "' is not an http(s) address");
        }
        return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getHost().toLowerCase(java.util.Locale.ROOT)
                + (u.getPort() == -1 ? "" : ":" + u.getPort());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "StripeSettings[apiKey=" + (configured() ? "(set)" : "(none)") + ", apiBase=" + apiBase + ", meters=" + meters
                + ", maxAttempts=" + maxAttempts + ", retryBase=" + retryBase + ", timeout=" + timeout + ", redirectOrigin=" + redirectOrigin + "]";
    }
}
