package io.tunetrail.api.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals webhook signing secrets for storage with AES-256-GCM under a key ring from configuration
 * ({@code api.webhook.secret-keys = <id>:<base64 of 32 bytes>,<older id>:<...>}): the first key seals, every listed key
 * opens, and each sealed value is stored beside its key's id, so keys rotate by putting a new one first (the API
 * re-seals older rows at start; see {@link WebhookSecrets}). The row's org and webhook ids are the associated data:
 * a sealed secret copied onto another row does not open.
 */
public final class SecretSealer {
    /** The key id of the key derived for a loopback-only deployment when none is configured: public, hence the name. */
    public static final String LOCAL_ONLY_KEY_ID = "local-only-insecure";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed secret: {@code nonce || ciphertext || tag}, and the id of the key that sealed it. */
    public record Sealed(String keyId, byte[] bytes) {}

    private final Map<String, SecretKeySpec> keys;
    private final String currentKeyId;
    private final SecureRandom random = new SecureRandom();

    private SecretSealer(Map<String, SecretKeySpec> keys) {
        this.keys = Map.copyOf(keys);
        this.currentKeyId = keys.keySet().iterator().next();
    }

    /**
     * The key ring of {@code spec}; with an empty spec, a key derived from a fixed text that only a loopback-bound API
     * may use ({@code localDeployment}), because anyone can derive it; otherwise start-up fails, saying what to set.
     */
    public static SecretSealer fromConfig(String spec, boolean localDeployment) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            if (!localDeployment) {
                throw new IllegalArgumentException("configuration key api.webhook.secret-keys (env TUNETRAIL_API_WEBHOOK_SECRET_KEYS) is "
                        + "empty, and the API binds a non-loopback address: webhook signing secrets must be encrypted with a key of your "
                        + "own. Set it to <id>:<base64 of 32 random bytes>, e.g. k1:$(openssl rand -base64 32)");
            }
            keys.put(LOCAL_ONLY_KEY_ID, new SecretKeySpec(sha256("tunetrail local-only webhook secret key; not a secret"), "AES"));
            return new SecretSealer(keys);
        }
        for (String entry : spec.split(",")) {
            String[] parts = entry.strip().split(":", 2);
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("configuration key api.webhook.secret-keys: '" + parts[0]
                        + "' is not <id>:<base64 key>; ids are 1..64 of A-Z a-z 0-9 _ . -");
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(parts[1].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("configuration key api.webhook.secret-keys: key '" + parts[0] + "' is not base64");
            }
            if (material.length != 32) {
                throw new IllegalArgumentException("configuration key api.webhook.secret-keys: key '" + parts[0] + "' has "
                        + material.length + " bytes; AES-256 needs 32 (openssl rand -base64 32)");
            }
            if (keys.put(parts[0], new SecretKeySpec(material, "AES")) != null) {
                throw new IllegalArgumentException("configuration key api.webhook.secret-keys lists key id '" + parts[0] + "' twice");
            }
        }
        return new SecretSealer(keys);
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    public boolean knows(String keyId) {
        return keys.containsKey(keyId);
    }

    public Sealed seal(String secret, String orgId, String webhookId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), nonce, orgId, webhookId, secret.getBytes(StandardCharsets.UTF_8));
        return new Sealed(currentKeyId, ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    }

    public String open(Sealed sealed, String orgId, String webhookId) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("webhook " + webhookId + " of org " + orgId + " is sealed with key '" + sealed.keyId()
                    + "', which api.webhook.secret-keys no longer lists; add it back after the current key");
        }
        byte[] b = sealed.bytes();
        byte[] nonce = java.util.Arrays.copyOf(b, NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(b, NONCE_BYTES, b.length);
        return new String(run(Cipher.DECRYPT_MODE, key, nonce, orgId, webhookId, body), StandardCharsets.UTF_8);
    }

    private static byte[] run(int mode, SecretKeySpec key, byte[] nonce, String orgId, String webhookId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD((orgId + "\u0000" + webhookId).getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a webhook secret of " + orgId + "/" + webhookId + " does not open with its key: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
