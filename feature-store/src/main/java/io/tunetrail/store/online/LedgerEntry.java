package io.tunetrail.store.online;

import java.time.LocalDate;

/**
 * The usage ledger's total of a resource for an org over one UTC day or month (see {@code KEYS.md}, "The usage
 * ledger"): written as an absolute value by the streaming usage-counters job, read by the API for reconciliation and
 * by the demo.
 *
 * @param month       true for the month-to-date total, false for a day
 * @param periodStart the day, or the first day of the month
 */
public record LedgerEntry(String orgId, String resource, boolean month, LocalDate periodStart, long units) {
    public LedgerEntry {
        if (month && periodStart.getDayOfMonth() != 1) {
            throw new IllegalArgumentException("a month's ledger entry starts on the 1st, not " + periodStart);
        }
    }
}
