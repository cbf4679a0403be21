package io.tunetrail.store.catalog;

import java.time.Duration;
import java.util.List;

/**
 * What one catalog load did, per table: rows offered, and rows inserted, updated (a value really changed) and deleted
 * (genre links a track no longer lists). Loading the same catalog twice reports {@link #changed()} == 0 the second time.
 */
public record CatalogLoadReport(List<Table> tables, Duration elapsed) {

    /** One table's share of a load. */
    public record Table(String name, long rows, long inserted, long updated, long deleted) {
        public long changed() {
            return inserted + updated + deleted;
        }
    }

    public CatalogLoadReport {
        tables = List.copyOf(tables);
    }

    /** Rows inserted, updated or deleted across all tables. */
    public long changed() {
        return tables.stream().mapToLong(Table::changed).sum();
    }

    /** Rows offered across all tables. */
    public long rows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    public Table table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table '" + name + "' in this report"));
    }

    /** Rows offered per second of wall time. */
    public double rowsPerSecond() {
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        return rows() / seconds;
    }
}
