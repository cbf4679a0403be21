package io.tunetrail.api.auth;

import io.tunetrail.store.ApiKeyHash;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key secrets: how they are made, hashed and compared.
 *
 * <p>A key is {@code tt_} plus 256 random bits in URL-safe base64 (46 characters). Only its SHA-256 is stored
 * ({@link ApiKeyHash}, shared with the SQL endpoint), with
 * the first {@value #PREFIX_LENGTH} characters as a visible prefix so people can tell keys apart. A plain SHA-256
 * (not bcrypt) is right here: the secret has 256 bits of entropy, so there is nothing to brute-force, and the API
 * must hash on every request.
 */
public final class ApiKeySecrets {
    public static final String KEY_PREFIX = "tt_";
    public static final int PREFIX_LENGTH = 11;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {}

    /** A new random secret. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A new random id for a key, webhook or request: {@code <kind>_<16 hex>}. */
    public static String newId(String kind) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return kind + "_" + HexFormat.of().formatHex(bytes);
    }

    /** What the database stores: the lower-case hex SHA-256 of the secret. */
    public static String hash(String secret) {
        return ApiKeyHash.of(secret);
    }

    /** The visible part of a key, stored beside the hash. */
    public static String prefix(String secret) {
        return secret.substring(0, Math.min(PREFIX_LENGTH, secret.length()));
    }

    /** True when {@code secret} hashes to {@code storedHash}, in time independent of where they differ. */
    public static boolean matches(String secret, String storedHash) {
        return hashMatches(hash(secret), storedHash);
    }

    /** True when two hex hashes are equal, in time independent of where they differ. */
    public static boolean hashMatches(String presentedHash, String storedHash) {
        return ApiKeyHash.matches(presentedHash, storedHash);
    }

    /** Whether a presented string could be a key at all (cheap pre-check before any hashing or lookup). */
    public static boolean plausible(String secret) {
        return secret != null && secret.startsWith(KEY_PREFIX) && secret.length() >= 20 && secret.length() <= 100;
    }
}
