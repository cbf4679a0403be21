package io.tunetrail.store.usage;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One row of the billing ledger ({@code usage_ledger}): the units of a resource an org (and one of its API keys, or
 * none) used over one UTC day or calendar month.
 *
 * @param apiKeyId null for usage without a key (interactions, scheduled training)
 * @param periodStart the day, or the first day of the month
 */
public record UsageLedgerRow(String orgId, String apiKeyId, String resource, Period period, LocalDate periodStart, long units) {
    /** The ledger's two periods, as the table's {@code period} column names them. */
    public enum Period {
        DAY("day"), MONTH("month");

        private final String column;

        Period(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    public UsageLedgerRow {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(periodStart, "periodStart");
        if (period == Period.MONTH && periodStart.getDayOfMonth() != 1) {
            throw new IllegalArgumentException("a month's ledger row starts on the 1st, not " + periodStart);
        }
        if (units < 0) {
            throw new IllegalArgumentException("units must not be negative: " + units);
        }
    }
}
