package io.tunetrail.streaming.usage;

import java.time.LocalDate;

/**
 * An org's total of a resource over one UTC period, as of the minutes closed so far: what the ledger writes to Redis.
 *
 * @param period      {@code day} or {@code month}
 * @param periodStart epoch day of the period's first day
 */
public record LedgerTotal(String orgId, String resource, String period, long periodStart, long units) {
    public static final String DAY = "day";
    public static final String MONTH = "month";

    public LocalDate start() {
        return LocalDate.ofEpochDay(periodStart);
    }
}
