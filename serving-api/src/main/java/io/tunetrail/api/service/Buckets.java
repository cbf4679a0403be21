package io.tunetrail.api.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable buckets for experiments and rollouts: the same (salt, listener) always lands in the same bucket, on every
 * instance and after restarts, and different salts spread listeners independently.
 */
final class Buckets {
    private Buckets() {}

    /** A bucket in [0, buckets). */
    static long of(String salt, String userId, long buckets) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((salt + "\u0000" + userId).getBytes(StandardCharsets.UTF_8));
            return Math.floorMod(ByteBuffer.wrap(digest, 0, 8).getLong(), buckets);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
