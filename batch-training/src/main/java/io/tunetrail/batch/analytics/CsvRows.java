package io.tunetrail.batch.analytics;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import org.apache.spark.sql.Row;

/**
 * Spark rows as lines of PostgreSQL's COPY CSV format. Strings are always quoted, so an empty string stays an
 * empty string (unquoted empty is NULL in COPY CSV); numbers are written as Java prints them, which PostgreSQL reads
 * back as the same value; a null is an unquoted empty field.
 */
final class CsvRows {
    private CsvRows() {}

    static void append(StringBuilder out, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof String s) {
            out.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("a non-finite number (" + d + ") cannot be materialised");
            }
            out.append(d.doubleValue());
        } else if (value instanceof Timestamp t) {
            // ISO 8601 in UTC, which PostgreSQL reads as the same instant into a timestamptz.
            out.append(t.toInstant());
        } else if (value instanceof Date || value instanceof LocalDate || value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            throw new IllegalArgumentException("no CSV form for a " + value.getClass().getName());
        }
    }

    /** One line: {@code prefix} fields, then the row's fields by name. */
    static void line(StringBuilder out, String orgId, long versionId, Row row, Iterable<String> columns) {
        append(out, orgId);
        out.append(',').append(versionId);
        for (String c : columns) {
            out.append(',');
            append(out, row.get(row.fieldIndex(c)));
        }
        out.append('\n');
    }
}
