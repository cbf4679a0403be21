package io.tunetrail.store.analyst;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Analyst passwords as stored: {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64), PBKDF2-HMAC-SHA256 from the
 * JDK's own provider.
 *
 * <p>A slow KDF, unlike API keys' plain SHA-256: a leaked table must not give passwords away to a dictionary. The
 * iteration count follows OWASP's 2023 advice for PBKDF2-HMAC-SHA256 and is stored with each hash, so raising it later
 * leaves old hashes checkable.
 */
public final class PasswordHash {
    static final String SCHEME = "pbkdf2-sha256";
    public static final int ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {}

    /** A new random password: 128 bits in URL-safe base64 (22 characters), so it survives any JDBC URL or shell. */
    public static String newPassword() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of {@code password}, with a fresh salt. */
    public static String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return encode(ITERATIONS, salt, derive(password, salt, ITERATIONS));
    }

    /** True when {@code password} is the one {@code stored} was made from; false for a malformed stored value. */
    public static boolean matches(String password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, derive(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String encode(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
