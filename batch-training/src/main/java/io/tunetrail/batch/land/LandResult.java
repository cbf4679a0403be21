package io.tunetrail.batch.land;

import io.tunetrail.store.usage.UsageLedgerStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link KafkaToDeltaLander#landAll()} run did, per table.
 *
 * @param tables one entry per landed table, in landing order
 * @param ledger what the billing ledger in PostgreSQL got from the days landed
 * @param durationMs wall time of the whole run
 */
public record LandResult(List<TableLanding> tables, UsageLedgerStore.Written ledger, long durationMs) {

    /**
     * One table's landing.
     *
     * @param table offline table name ({@code interactions}, {@code usage}, {@code dead_letters})
     * @param topic the Kafka topic it was landed from
     * @param rowsLanded records written to the table by this run
     * @param rowsRefused records of the topic this run refused and wrote to {@code dead_letters} instead
     * @param deltaVersion the table's Delta version after the run
     */
    public record TableLanding(String table, String topic, long rowsLanded, long rowsRefused, long deltaVersion) {
        /** One line for people: {@code interactions <- interactions: 354120 landed, 0 refused, Delta version 3}. */
        public String summary() {
            return table + " <- " + topic + ": " + rowsLanded + " landed, " + rowsRefused + " refused, Delta version "
                    + deltaVersion;
        }
    }

    public LandResult {
        tables = List.copyOf(tables);
    }

    /** The landing of this table; fails when the run did not land it. */
    public TableLanding table(String name) {
        return tables.stream().filter(t -> t.table().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table '" + name + "' in this result"));
    }

    /** Rows landed in all tables, refused rows from event topics excluded. */
    public long totalLanded() {
        return tables.stream().mapToLong(TableLanding::rowsLanded).sum();
    }

    /** The figures as one map, ready for one JSON line (the CLI parses the job's last output line). */
    public Map<String, Object> asMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", "land");
        out.put("duration_ms", durationMs);
        out.put("tables", tables.stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", t.table());
            m.put("topic", t.topic());
            m.put("rows_landed", t.rowsLanded());
            m.put("rows_refused", t.rowsRefused());
            m.put("delta_version", t.deltaVersion());
            return m;
        }).toList());
        Map<String, Object> billed = new LinkedHashMap<>();
        billed.put("rows_changed", ledger.changed());
        billed.put("rows_unchanged", ledger.unchanged());
        billed.put("rows_unknown_org_or_key", ledger.unknownOrgOrKey());
        billed.put("unknown_examples", ledger.unknownExamples());
        out.put("usage_ledger", billed);
        return out;
    }

    /** One line for people about the billing ledger, naming rows it could not write. */
    public String ledgerSummary() {
        String s = "usage_ledger (PostgreSQL) <- usage_daily: " + ledger.changed() + " rows changed, " + ledger.unchanged()
                + " unchanged";
        return ledger.unknownOrgOrKey() == 0 ? s : s + ", " + ledger.unknownOrgOrKey()
                + " not written (org or key unknown to the database, kept in Delta), e.g. " + String.join("; ", ledger.unknownExamples());
    }
}
