package io.tunetrail.ingestion.importers;

import java.util.List;
import java.util.Map;

/**
 * One row of a data file, with parsers that say in the reject reason which column was wrong and why.
 *
 * <p>Number parsers trim spaces around the value; ids must be plain non-negative integers, so "-1", "1e3" and "0x1"
 * are rejected rather than read as something else.
 */
final class Row {
    /** Longer numeric ids cannot be a long; no data set comes near. */
    private static final int MAX_ID_DIGITS = 18;

    private final String file;
    private final long line;
    private final List<String> fields;
    private final Map<String, Integer> index;

    Row(String file, long line, List<String> fields, Map<String, Integer> index) {
        this.file = file;
        this.line = line;
        this.fields = fields;
        this.index = index;
    }

    long line() {
        return line;
    }

    /** The raw field of a column of the file's {@link RowFormat}. */
    String get(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException("column " + column + " is not declared in the format of " + file);
        }
        return fields.get(i);
    }

    /** The field, or null when it is empty or R's missing-value marker {@code NA}. */
    String optionalText(String column) {
        String value = get(column).trim();
        return value.isEmpty() || value.equals("NA") ? null : value;
    }

    /** The field trimmed; rejects the row when it is empty. */
    String requiredText(String column) throws BadRowException {
        String value = get(column).trim();
        if (value.isEmpty()) {
            throw new BadRowException(column + " is empty");
        }
        return value;
    }

    /** A non-negative integer id. */
    long id(String column) throws BadRowException {
        String value = get(column).trim();
        if (value.isEmpty() || value.length() > MAX_ID_DIGITS) {
            throw new BadRowException(column + " '" + abbreviate(value) + "' is not a numeric id");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new BadRowException(column + " '" + abbreviate(value) + "' is not a numeric id");
            }
        }
        return Long.parseLong(value);
    }

    /** A whole number in [min, max]; "66.0" is accepted as 66 because R writes some integer columns that way. */
    long integer(String column, long min, long max) throws BadRowException {
        String value = get(column).trim();
        long result;
        try {
            result = Long.parseLong(value);
        } catch (NumberFormatException e) {
            double d = parseDouble(column, value);
            if (d != Math.rint(d) || Math.abs(d) > 1e15) {
                throw new BadRowException(column + " '" + abbreviate(value) + "' is not a whole number");
            }
            result = (long) d;
        }
        if (result < min || result > max) {
            throw new BadRowException(column + " is " + result + (max == Long.MAX_VALUE ? ", below " + min
                    : ", outside " + min + ".." + max));
        }
        return result;
    }

    /** A finite decimal number in [min, max]. */
    double number(String column, double min, double max) throws BadRowException {
        String value = get(column).trim();
        double d = parseDouble(column, value);
        if (d < min || d > max) {
            throw new BadRowException(column + " is " + value + ", outside " + min + ".." + max);
        }
        return d;
    }

    private static double parseDouble(String column, String value) throws BadRowException {
        try {
            // Double.parseDouble also takes "NaN", "Infinity", hex floats and a trailing 'd': none is a data value.
            if (value.isEmpty() || !isDecimalText(value)) {
                throw new NumberFormatException();
            }
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRowException(column + " '" + abbreviate(value) + "' is not a number");
    }

    private static boolean isDecimalText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    /** Keeps reasons to one short line even when a field is a whole swallowed paragraph. */
    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
