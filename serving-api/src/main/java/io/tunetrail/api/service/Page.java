package io.tunetrail.api.service;

import io.tunetrail.api.http.Check;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A page of a list and the opaque cursor of the next one. Offset cursors are for lists held in memory (a listener's
 * recommendations); lists read from PostgreSQL page by {@link Keyset} instead, so a deep page costs no scan.
 */
public record Page<T>(List<T> items, String nextCursor) {

    public static int offset(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith("o:")) {
                int offset = Integer.parseInt(decoded.substring(2));
                if (offset >= 0 && offset <= 100_000) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through: a malformed cursor is the caller's error
        }
        throw Check.invalid("cursor", "'cursor' is not a cursor this API returned; pass next_cursor from the previous page");
    }

    public static String cursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The page of {@code all} (fetched with one extra row) starting at {@code offset}. */
    public static <T> Page<T> of(List<T> fetched, int offset, int limit) {
        boolean more = fetched.size() > limit;
        return new Page<>(more ? fetched.subList(0, limit) : fetched, more ? cursor(offset + limit) : null);
    }
}
