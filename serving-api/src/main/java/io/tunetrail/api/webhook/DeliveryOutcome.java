package io.tunetrail.api.webhook;

import java.util.Locale;

/**
 * How one delivery attempt ended, as the fixed code that is recorded and shown to the customer. Never the receiver's
 * answer body nor an exception text: those would make deliveries an oracle on what listens where.
 */
public enum DeliveryOutcome {
    DELIVERED,
    /** A 3xx: redirects are not followed (they could lead to an address the check never saw). */
    HTTP_3XX,
    HTTP_4XX,
    HTTP_5XX,
    /** Anything else that is not an HTTP/1.x status line, or a status line longer than we read. */
    INVALID_RESPONSE,
    TIMEOUT,
    CONNECTION_REFUSED,
    TLS_ERROR,
    NETWORK_ERROR,
    /** The host no longer resolves. */
    DNS_ERROR,
    /** The host now resolves to an address deliveries may not reach (DNS rebinding, or a changed record). */
    FORBIDDEN_ADDRESS,
    /** The URL is no longer allowed (its host left api.webhook.allow-http-hosts). */
    URL_FORBIDDEN;

    /** The recorded code: {@code http_5xx}, {@code timeout}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean ok() {
        return this == DELIVERED;
    }

    /** The outcome of an HTTP status code. */
    public static DeliveryOutcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        if (status >= 300 && status < 400) {
            return HTTP_3XX;
        }
        if (status >= 400 && status < 500) {
            return HTTP_4XX;
        }
        return status >= 500 && status < 600 ? HTTP_5XX : INVALID_RESPONSE;
    }
}
