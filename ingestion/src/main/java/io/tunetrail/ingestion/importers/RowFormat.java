package io.tunetrail.ingestion.importers;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a file is laid out: charset, delimiter, whether fields may be quoted, and its columns.
 *
 * <p>With {@code header}, the first line names the columns: every name in {@code columns} must be among them (case
 * does not matter, order and extra columns do not either) and each row must have as many fields as the header. Without
 * it, {@code columns} names the fields by position and each row must have exactly that many.
 */
record RowFormat(Charset charset, char delimiter, boolean quoted, boolean header, List<String> columns) {

    RowFormat {
        columns = List.copyOf(columns);
    }

    /** Tab-separated with one header line, no quoting (HetRec). */
    static RowFormat tsvWithHeader(Charset charset, String... columns) {
        return new RowFormat(charset, '\t', false, true, List.of(columns));
    }

    /** RFC 4180 CSV in UTF-8 with a header line (Spotify, MovieLens latest). */
    static RowFormat csvWithHeader(String... columns) {
        return new RowFormat(StandardCharsets.UTF_8, ',', true, true, List.of(columns));
    }

    /** Delimited, no header, no quoting, columns by position (MovieLens 100K). */
    static RowFormat positional(Charset charset, char delimiter, List<String> columns) {
        return new RowFormat(charset, delimiter, false, false, columns);
    }
}
