package io.tunetrail.api.http;

import io.tunetrail.model.Ids;
import java.util.Locale;

/** Validation of request values, failing with the 400 that names the field. Used by request records and controllers. */
public final class Check {
    private Check() {}

    public static <T> T required(String field, T value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw ApiErrors.missingField(field);
        }
        return value;
    }

    public static String id(String field, String value) {
        required(field, value);
        if (!Ids.isValid(value)) {
            throw ApiErrors.invalidField(field, "'" + field + "' is not a valid id: 1..128 characters of A-Z a-z 0-9 . _ : @ / -, "
                    + "starting with a letter or digit");
        }
        return value;
    }

    public static String optionalId(String field, String value) {
        return value == null ? null : id(field, value);
    }

    public static String text(String field, String value, int maxLength) {
        required(field, value);
        if (value.length() > maxLength) {
            throw ApiErrors.invalidField(field, "'" + field + "' is longer than " + maxLength + " characters");
        }
        return value.strip();
    }

    public static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw ApiErrors.invalidField(field, String.format(Locale.ROOT, "'%s' is %d; it must be %d..%d", field, value, min, max));
        }
        return value;
    }

    /** An integer query parameter, or its default when absent. */
    public static int intParam(String field, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return range(field, Integer.parseInt(raw), min, max);
        } catch (NumberFormatException e) {
            throw ApiErrors.invalidField(field, "'" + field + "' must be an integer, not '" + raw + "'");
        }
    }

    public static ApiException invalid(String field, String detail) {
        return ApiErrors.invalidField(field, detail);
    }
}
