package io.tunetrail.ingestion.importers;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits lines into fields: plain delimited text (TSV, {@code |}) or RFC 4180 CSV with quoted fields.
 *
 * <p>CSV rules: a field that starts with {@code "} is quoted and may contain the delimiter, {@code ""} for a quote,
 * and line breaks; after its closing quote only a delimiter or the end of the line may follow. A quote inside an
 * unquoted field is an ordinary character (titles like {@code 12" Mix}). A quoted field that is not closed within
 * {@link #MAX_LINES_PER_RECORD} lines is reported on its first line, and the lines after it are read again as
 * rows of their own, so one stray quote costs one row and not the rest of the file. Blank lines are skipped.
 */
final class RowReader implements Closeable {
    /** No field of the supported data sets spans lines at all; a few allow for notes with line breaks. */
    static final int MAX_LINES_PER_RECORD = 20;

    /**
     * One record: its first line number, the fields, the raw text (lines joined with {@code \n}), and an error when
     * it could not be split at all (bad encoding, unterminated quote), in which case {@code fields} is empty.
     */
    record Record(long line, List<String> fields, String raw, String error) {}

    private final LineReader lines;
    private final char delimiter;
    private final boolean quoted;
    private final Deque<LineReader.Line> pushedBack = new ArrayDeque<>();

    RowReader(LineReader lines, char delimiter, boolean quoted) {
        this.lines = lines;
        this.delimiter = delimiter;
        this.quoted = quoted;
    }

    /** The next non-blank record, or null at the end of the file. */
    Record next() throws IOException {
        LineReader.Line line;
        do {
            line = nextLine();
            if (line == null) {
                return null;
            }
        } while (!line.malformed() && line.text().isBlank());
        if (line.malformed()) {
            return new Record(line.number(), List.of(), line.text(), "not valid text in the file's encoding");
        }
        if (!quoted || line.text().indexOf('"') < 0) {
            return new Record(line.number(), split(line.text()), line.text(), null);
        }
        return parseQuoted(line);
    }

    private LineReader.Line nextLine() throws IOException {
        return pushedBack.isEmpty() ? lines.next() : pushedBack.pollFirst();
    }

    private List<String> split(String text) {
        List<String> fields = new ArrayList<>(24);
        int start = 0;
        int at;
        while ((at = text.indexOf(delimiter, start)) >= 0) {
            fields.add(text.substring(start, at));
            start = at + 1;
        }
        fields.add(text.substring(start));
        return fields;
    }

    private Record parseQuoted(LineReader.Line first) throws IOException {
        List<String> fields = new ArrayList<>(24);
        StringBuilder field = new StringBuilder();
        StringBuilder raw = new StringBuilder(first.text());
        List<LineReader.Line> continuation = new ArrayList<>();
        String text = first.text();
        boolean inQuotes = false;
        boolean fieldStart = true;
        boolean afterClosingQuote = false;
        int openColumn = 0;
        int i = 0;
        while (true) {
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (inQuotes) {
                    if (c != '"') {
                        field.append(c);
                    } else if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                } else if (c == delimiter) {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldStart = true;
                    afterClosingQuote = false;
                } else if (afterClosingQuote) {
                    if (!continuation.isEmpty()) {
                        // Most likely the first line's quote was never closed and this one belongs to a later row.
                        return unclosed(first, openColumn, continuation);
                    }
                    return new Record(first.number(), List.of(), raw.toString(),
                            "unexpected text after the closing quote of column " + (fields.size() + 1));
                } else if (c == '"' && fieldStart) {
                    inQuotes = true;
                    fieldStart = false;
                } else {
                    field.append(c);
                    fieldStart = false;
                }
            }
            if (!inQuotes) {
                fields.add(field.toString());
                return new Record(first.number(), fields, raw.toString(), null);
            }
            if (continuation.isEmpty()) {
                openColumn = fields.size() + 1;
            }
            LineReader.Line next = continuation.size() + 1 < MAX_LINES_PER_RECORD ? nextLine() : null;
            if (next == null || next.malformed()) {
                if (next != null) {
                    continuation.add(next);
                }
                return unclosed(first, openColumn, continuation);
            }
            continuation.add(next);
            field.append('\n');
            raw.append('\n').append(next.text());
            text = next.text();
            i = 0;
        }
    }

    /** Rejects the first line alone and reads the lines after it again as rows: the stray quote is its problem only. */
    private Record unclosed(LineReader.Line first, int column, List<LineReader.Line> continuation) {
        for (int k = continuation.size() - 1; k >= 0; k--) {
            pushedBack.addFirst(continuation.get(k));
        }
        return new Record(first.number(), List.of(), first.text(), "quoted field in column " + column + " is not closed");
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
