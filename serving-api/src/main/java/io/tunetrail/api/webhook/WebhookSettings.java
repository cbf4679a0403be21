package io.tunetrail.api.webhook;

import io.tunetrail.model.PlatformConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How webhooks are checked and delivered (keys {@code api.webhook.*}).
 *
 * @param allowHttpHosts    hosts whose URLs may use http:// (development receivers); every other URL must be https://
 * @param allowLoopback     let deliveries reach 127.0.0.0/8 and ::1 (the local demo and tests); default off
 * @param connectTimeout    bound on connecting to a receiver
 * @param responseTimeout   bound on the rest of an attempt: TLS handshake, sending, the answer's status line
 * @param workers           deliveries in flight at once on this instance
 * @param maxInFlightPerOrg deliveries of one org in flight at once on this instance, so one org never holds every worker
 * @param breakerFailures   consecutive failures that open an endpoint's circuit
 * @param breakerCooldown   how long an open circuit stays open before one trial delivery
 * @param sealer            seals signing secrets at rest
 * @param resolver          looks webhook hosts up (tests map their own names)
 */
public record WebhookSettings(List<String> allowHttpHosts, boolean allowLoopback, Duration connectTimeout, Duration responseTimeout,
        int workers, int maxInFlightPerOrg, int breakerFailures, Duration breakerCooldown, SecretSealer sealer, HostResolver resolver) {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSettings.class);

    public WebhookSettings {
        allowHttpHosts = List.copyOf(allowHttpHosts);
        if (workers < 1 || maxInFlightPerOrg < 1 || breakerFailures < 1) {
            throw new IllegalArgumentException("api.webhook.workers, api.webhook.max-in-flight-per-org and api.webhook.breaker-failures "
                    + "must be at least 1");
        }
    }

    public static WebhookSettings from(PlatformConfig config) {
        WebhookSettings settings = new WebhookSettings(
                Arrays.stream(config.get(PlatformConfig.API_WEBHOOK_ALLOW_HTTP_HOSTS).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .toList(),
                config.getBoolean(PlatformConfig.API_WEBHOOK_ALLOW_LOOPBACK),
                Duration.ofMillis(positive(config, PlatformConfig.API_WEBHOOK_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(positive(config, PlatformConfig.API_WEBHOOK_TIMEOUT_MS)),
                config.getInt(PlatformConfig.API_WEBHOOK_WORKERS),
                config.getInt(PlatformConfig.API_WEBHOOK_MAX_IN_FLIGHT_PER_ORG),
                config.getInt(PlatformConfig.API_WEBHOOK_BREAKER_FAILURES),
                Duration.ofMillis(positive(config, PlatformConfig.API_WEBHOOK_BREAKER_COOLDOWN_MS)),
                SecretSealer.fromConfig(config.get(PlatformConfig.API_WEBHOOK_SECRET_KEYS), bindsLoopbackOnly(config.get(PlatformConfig.API_HOST))),
                HostResolver.SYSTEM);
        if (settings.sealer().currentKeyId().equals(SecretSealer.LOCAL_ONLY_KEY_ID)) {
            LOG.warn("api.webhook.secret-keys is empty: webhook signing secrets are sealed with the public key '{}', accepted only "
                    + "because api.host is a loopback address. Set a key of your own before the API is reachable from elsewhere",
                    SecretSealer.LOCAL_ONLY_KEY_ID);
        }
        return settings;
    }

    /** The defaults of a loopback-bound API (the local-only sealing key), resolving through {@code resolver}. */
    public static WebhookSettings local(HostResolver resolver) {
        return new WebhookSettings(List.of(), false, Duration.ofSeconds(2), Duration.ofSeconds(5), 4, 2, 5, Duration.ofMinutes(1),
                SecretSealer.fromConfig("", true), resolver);
    }

    public WebhookSettings withLoopback(boolean allow, List<String> httpHosts) {
        return new WebhookSettings(httpHosts, allow, connectTimeout, responseTimeout, workers, maxInFlightPerOrg, breakerFailures,
                breakerCooldown, sealer, resolver);
    }

    public WebhookSettings withTimeouts(Duration connect, Duration response) {
        return new WebhookSettings(allowHttpHosts, allowLoopback, connect, response, workers, maxInFlightPerOrg, breakerFailures,
                breakerCooldown, sealer, resolver);
    }

    public WebhookSettings withBreaker(int failures, Duration cooldown) {
        return new WebhookSettings(allowHttpHosts, allowLoopback, connectTimeout, responseTimeout, workers, maxInFlightPerOrg, failures,
                cooldown, sealer, resolver);
    }

    public WebhookSettings withResolver(HostResolver newResolver) {
        return new WebhookSettings(allowHttpHosts, allowLoopback, connectTimeout, responseTimeout, workers, maxInFlightPerOrg,
                breakerFailures, breakerCooldown, sealer, newResolver);
    }

    public WebhookSettings withSealer(SecretSealer newSealer) {
        return new WebhookSettings(allowHttpHosts, allowLoopback, connectTimeout, responseTimeout, workers, maxInFlightPerOrg,
                breakerFailures, breakerCooldown, newSealer, resolver);
    }

    /** How long a delivery stays leased: the longest an attempt can take, plus a margin for recording it. */
    public Duration lease() {
        return connectTimeout.plus(responseTimeout).plusSeconds(30);
    }

    private static long positive(PlatformConfig config, PlatformConfig.Key key) {
        long v = config.getLong(key);
        if (v < 1) {
            throw new IllegalArgumentException("configuration key " + key.describe() + " must be at least 1");
        }
        return v;
    }

    /**
     * Refuses an API bound to {@code bindHost} (which a command-line flag may set apart from {@code api.host}) when
     * that address is not loopback and secrets would be sealed with the public local-only key.
     */
    public void requireOwnKeyUnlessLoopback(String bindHost) {
        if (sealer.currentKeyId().equals(SecretSealer.LOCAL_ONLY_KEY_ID) && !bindsLoopbackOnly(bindHost)) {
            SecretSealer.fromConfig("", false); // throws, saying what to set
        }
    }

    /** True when the API binds a loopback address only: nothing off this machine can reach it. */
    static boolean bindsLoopbackOnly(String host) {
        try {
            return host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
