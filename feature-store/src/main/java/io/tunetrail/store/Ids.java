package io.tunetrail.store;

import java.util.regex.Pattern;

/**
 * Id checks for the stores: the platform's id rule ({@link io.tunetrail.model.Ids}) with the store's own error, and
 * the rule for model versions, which end up inside Redis keys.
 */
public final class Ids {
    private static final Pattern MODEL_VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Ids() {}

    public static boolean isValid(String id) {
        return io.tunetrail.model.Ids.isValid(id);
    }

    /** Returns {@code id}, or throws a {@link StoreException} naming {@code field} when it is not a valid id. */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw StoreException.invalidId(field, String.valueOf(id));
        }
        return id;
    }

    /**
     * Returns the model version, or fails when it is not 1..64 characters of {@code A-Z a-z 0-9 . _ -}: the rule of
     * {@code model_versions.version}, and what keeps the Redis keys that carry a version unambiguous (no {@code ':'}).
     */
    public static String requireModelVersion(String version) {
        if (version == null || !MODEL_VERSION.matcher(version).matches()) {
            throw StoreException.invalid("model version '" + version + "' is not valid",
                    "Versions are 1..64 characters of A-Z a-z 0-9 . _ - (no ':', which would make Redis keys ambiguous)");
        }
        return version;
    }
}
