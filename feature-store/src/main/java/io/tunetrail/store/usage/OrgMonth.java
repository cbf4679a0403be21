package io.tunetrail.store.usage;

import java.time.LocalDate;

/** One org's calendar month ({@code month} is its first day): the unit the billing ledger is recomputed in. */
public record OrgMonth(String orgId, LocalDate month) {
    public OrgMonth {
        if (month.getDayOfMonth() != 1) {
            throw new IllegalArgumentException("a month starts on its first day, got " + month);
        }
    }
}
