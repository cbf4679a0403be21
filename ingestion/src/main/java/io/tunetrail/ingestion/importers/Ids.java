package io.tunetrail.ingestion.importers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Platform ids made from data set values, valid by the platform's rule ({@link io.tunetrail.model.Ids}). */
final class Ids {
    static final int MAX_LENGTH = io.tunetrail.model.Ids.MAX_LENGTH;
    /** Long enough to read, short enough that a prefix plus hash stays far below {@link #MAX_LENGTH}. */
    private static final int MAX_SLUG = 40;
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private Ids() {}

    static boolean isValid(String id) {
        return io.tunetrail.model.Ids.isValid(id);
    }

    /**
     * Lower-case ASCII letters and digits joined by {@code -}: "Beyoncé & Jay-Z" becomes "beyonce-jay-z". Empty for
     * names without Latin letters or digits, so callers must not rely on it alone for uniqueness.
     */
    static String slug(String name) {
        String ascii = MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        String slug = NON_ALNUM.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("-");
        if (slug.length() > MAX_SLUG) {
            slug = slug.substring(0, MAX_SLUG);
        }
        int start = 0;
        int end = slug.length();
        while (start < end && slug.charAt(start) == '-') {
            start++;
        }
        while (end > start && slug.charAt(end - 1) == '-') {
            end--;
        }
        return slug.substring(start, end);
    }

    /**
     * An id that depends on the exact name only: {@code prefix + slug + "-" + 12 hex digits of its SHA-256}. The
     * slug keeps it readable; the hash keeps names that slug alike ("Queen", "QUEEN", non-Latin names) apart.
     */
    static String hashed(String prefix, String name) {
        String slug = slug(name);
        String hash = sha256Hex(name).substring(0, 12);
        return prefix + (slug.isEmpty() ? hash : slug + "-" + hash);
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
