package io.tunetrail.model;

import java.time.Instant;

/**
 * One metered use of the API, the record on the {@code usage} topic (schema: {@code schemas/usage.schema.json}).
 * {@code requestId} is unique per API request and makes the event idempotent for the usage ledger.
 */
public record UsageEvent(String orgId, String apiKeyId, String resource, long units, Instant eventTime, String requestId) {

    /** The Kafka record key: an org's usage stays on one partition. */
    public String partitionKey() {
        return orgId;
    }
}
