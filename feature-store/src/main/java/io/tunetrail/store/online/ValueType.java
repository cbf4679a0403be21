package io.tunetrail.store.online;

import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The types a feature value may have, and how each is written as a Redis hash field value.
 *
 * <p>Encodings are plain text so {@code redis-cli} and the Python notebooks read them without a library: integers and
 * doubles as Java prints them (doubles round-trip exactly), lists comma-joined. Lists hold ids or doubles only, neither
 * of which can contain a comma; the empty list is the empty string.
 */
public enum ValueType {
    INT64,
    FLOAT64,
    STRING,
    /** A list of ids ({@link Ids}): track ids, genre ids. */
    ID_LIST,
    FLOAT64_LIST;

    /** The value in its canonical Java type ({@code Long}, {@code Double}, {@code String}, {@code List<...>}), checked. */
    Object normalise(String feature, Object value) {
        if (value == null) {
            throw StoreException.invalid("feature " + feature + " is null", "Every feature of a row needs a value; use 0, \"\" or an empty list");
        }
        switch (this) {
            case INT64:
                if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                    return ((Number) value).longValue();
                }
                break;
            case FLOAT64:
                if (value instanceof Number n) {
                    return finite(feature, n.doubleValue());
                }
                break;
            case STRING:
                if (value instanceof String s) {
                    return s;
                }
                break;
            case ID_LIST:
                if (value instanceof List<?> list) {
                    List<String> ids = new ArrayList<>(list.size());
                    for (Object o : list) {
                        ids.add(Ids.require("element of feature " + feature, o instanceof String s ? s : String.valueOf(o)));
                    }
                    return List.copyOf(ids);
                }
                break;
            case FLOAT64_LIST:
                if (value instanceof List<?> list) {
                    List<Double> doubles = new ArrayList<>(list.size());
                    for (Object o : list) {
                        if (!(o instanceof Number n)) {
                            throw wrongType(feature, o);
                        }
                        doubles.add(finite(feature, n.doubleValue()));
                    }
                    return List.copyOf(doubles);
                }
                break;
            default:
                throw new AssertionError(this);
        }
        throw wrongType(feature, value);
    }

    /** The stored text of a value already {@link #normalise normalised}. */
    String encode(Object value) {
        return switch (this) {
            case INT64, FLOAT64, STRING -> value.toString();
            case ID_LIST, FLOAT64_LIST -> String.join(",", ((List<?>) value).stream().map(Object::toString).toList());
        };
    }

    Object decode(String feature, String text) {
        try {
            return switch (this) {
                case INT64 -> Long.parseLong(text);
                case FLOAT64 -> Double.parseDouble(text);
                case STRING -> text;
                case ID_LIST -> text.isEmpty() ? List.of() : List.of(text.split(",", -1));
                case FLOAT64_LIST -> text.isEmpty() ? List.of()
                        : Arrays.stream(text.split(",", -1)).map(Double::valueOf).toList();
            };
        } catch (NumberFormatException e) {
            throw StoreException.invalid("stored value '" + text + "' of feature " + feature + " is not " + this,
                    "Another writer used a different schema for this view; rewrite the rows with the current one");
        }
    }

    private static double finite(String feature, double d) {
        if (!Double.isFinite(d)) {
            throw StoreException.invalid("feature " + feature + " is " + d, "Feature values must be finite numbers");
        }
        return d;
    }

    private StoreException wrongType(String feature, Object value) {
        return StoreException.invalid("feature " + feature + " must be " + this + " but is a " + value.getClass().getSimpleName()
                + " (" + value + ")", "Pass Long/Integer for INT64, a Number for FLOAT64, a String for STRING and a List for the list types");
    }
}
