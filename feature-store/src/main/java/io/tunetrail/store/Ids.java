package io.tunetrail.store;

import java.util.regex.Pattern;

/**
 * The id rule shared by the event schemas, the PostgreSQL domain {@code tt_id} and the Redis key layout.
 *
 * <p>Ids are 1..128 characters of {@code A-Z a-z 0-9 . _ : @ / -}, starting with a letter or digit
 * ({@code schemas/*.schema.json}). They never contain braces, whitespace or commas, which the Redis key layout and
 * the online store's list encoding rely on.
 */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");
    private static final Pattern MODEL_VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Ids() {}

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
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
