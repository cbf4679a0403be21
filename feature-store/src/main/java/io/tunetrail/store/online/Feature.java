package io.tunetrail.store.online;

import io.tunetrail.store.StoreException;
import java.io.Serializable;
import java.util.regex.Pattern;

/** One named, typed feature of a {@link FeatureView}; the name is the Redis hash field. */
public record Feature(String name, ValueType type, String description) implements Serializable {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public Feature {
        if (name == null || !NAME.matcher(name).matches()) {
            throw StoreException.invalid("feature name '" + name + "' is not snake_case", "Use [a-z][a-z0-9_]*, at most 64 characters");
        }
        if (type == null) {
            throw StoreException.invalid("feature " + name + " has no type", "Give every feature a ValueType");
        }
        description = description == null ? "" : description;
    }
}
