package io.tunetrail.store.audio;

import io.tunetrail.store.StoreException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one rule for audio object keys, shared by every {@link AudioObjectStore}: {@code <org segment>/<name segment>}.
 *
 * <p>Org ids may contain '/' and '.', and names come from uploads, so each is URL-encoded into a single segment with a
 * leading dot escaped: no segment can be empty, "." or "..", or contain '/'. A key handed back by a caller (stored in
 * a table, sent by a client) is accepted only if it has exactly that shape under the caller's org, so nothing a user
 * wrote reaches a filesystem path or an S3 request unchecked.
 */
public final class AudioObjectKeys {
    /** What {@link #segment} can produce: letters, digits, {@code . - * _}, '+' for a space, %XX; no leading dot. */
    private static final Pattern SEGMENT = Pattern.compile("(?!\\.)([A-Za-z0-9.*_+-]|%[0-9A-F]{2})+");

    private AudioObjectKeys() {}

    /** The prefix of every key of the org, ending in '/'. */
    public static String orgPrefix(String orgId) {
        return segment(orgId) + "/";
    }

    /** The key of object {@code name} of the org. */
    public static String key(String orgId, String name) {
        return orgPrefix(orgId) + segment(name);
    }

    /**
     * {@code key} itself if it is an object key of the org; a key under another org's prefix is "not found" (it is never
     * revealed that it exists), a key of any other shape is refused as invalid.
     */
    public static String requireOfOrg(String orgId, String key) {
        String prefix = orgPrefix(orgId);
        if (key == null || !key.startsWith(prefix)) {
            throw StoreException.notFound("audio object '" + key + "' is not an object of org '" + orgId + "'",
                    "Use a key the audio store returned for this org");
        }
        String name = key.substring(prefix.length());
        if (!SEGMENT.matcher(name).matches()) {
            throw StoreException.invalid("audio object key '" + key + "' is not a key the audio store makes",
                    "Keys are <org>/<name>, each one URL-encoded segment; use a key the audio store returned");
        }
        return key;
    }

    static String segment(String id) {
        if (id == null || id.isEmpty()) {
            throw StoreException.invalid("an audio object needs a non-empty org id and name", "Pass both");
        }
        String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
        // URLEncoder keeps '.', so "." and ".." would still name a folder itself or its parent: a leading dot is
        // escaped, which is enough (no other segment of dots exists) and keeps an object's extension readable.
        return encoded.startsWith(".") ? "%2E" + encoded.substring(1) : encoded;
    }
}
