package io.tunetrail.model;

import java.time.Instant;

/**
 * One metered use of the API, the record on the {@code usage} topic (schema: {@code schemas/usage.schema.json}).
 * {@code requestId} is unique per API request and makes the event idempotent for the usage ledger.
 */
public record UsageEvent(String orgId, String apiKeyId, String resource, long units, Instant eventTime, String requestId) {
    /**
     * The key id of usage a member caused in the web console, which has no API key: counted against the org's quotas
     * like any key's, and written to the billing ledger as the org's keyless usage ({@code api_key_id} NULL), since no
     * {@code api_keys} row stands behind it. Issued key ids never take this value ({@code key_} prefix).
     */
    public static final String CONSOLE_KEY_ID = "console";

    /** The Kafka record key: an org's usage stays on one partition. */
    public String partitionKey() {
        return orgId;
    }
}
