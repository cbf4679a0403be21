package io.tunetrail.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How an API key secret is stored and checked ({@code api_keys.key_hash}): the lower-case hex SHA-256 of the secret.
 * One definition for every process that checks keys (the serving API, the SQL endpoint's {@code bi} logins).
 *
 * <p>A plain SHA-256 (not a slow KDF) is right for keys: a secret has 256 random bits, so there is nothing to
 * brute-force, and the API hashes on every request. Passwords, chosen or not, use {@code PasswordHash}.
 */
public final class ApiKeyHash {
    private ApiKeyHash() {}

    /** What the database stores for {@code secret}. */
    public static String of(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** True when two hex hashes are equal, in time independent of where they differ. */
    public static boolean matches(String presentedHash, String storedHash) {
        return MessageDigest.isEqual(presentedHash.getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
