package io.tunetrail.streaming.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Units of a resource an org used through one API key ("" for none) in one event-time window [start, end): the
 * output of the minute, hour and day windows, and the records of the {@code usage-hourly} and {@code usage-daily}
 * result topics. {@code events} is how many events were counted.
 */
public record UsageTotal(String orgId, String apiKeyId, String resource, long windowStartMs, long windowEndMs, long units, long events) {

    public String groupKey() {
        return orgId + "|" + apiKeyId + "|" + resource;
    }

    /** org|resource: the key of the per-org ledger totals. */
    public String orgResourceKey() {
        return orgId + "|" + resource;
    }

    public LocalDate day() {
        return LocalDate.ofInstant(Instant.ofEpochMilli(windowStartMs), ZoneOffset.UTC);
    }
}
