package io.tunetrail.api.service;

import io.tunetrail.api.http.Check;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset cursors for lists read from PostgreSQL: the cursor carries the sort key of the last row served, and the next
 * page is the rows after it ({@code WHERE (sort key) > (cursor)}), read from an index in the list's order. An offset
 * cursor made the database produce and skip every earlier row, so a deep page of a large catalog cost a scan of it.
 *
 * <p>The cursor stays opaque to clients (base64url of {@code k:} and the key's parts, each base64url-encoded).
 */
public final class Keyset {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Keyset() {}

    /** The sort key a cursor carries ({@code parts} values), or null for the first page. */
    public static List<String> decode(String cursor, int parts) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String decoded = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith("k:")) {
                String[] encoded = decoded.substring(2).split("\\.", -1);
                if (encoded.length == parts) {
                    List<String> key = new ArrayList<>(parts);
                    for (String e : encoded) {
                        key.add(new String(DECODER.decode(e), StandardCharsets.UTF_8));
                    }
                    return key;
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through: a malformed cursor is the caller's error
        }
        throw Check.invalid("cursor", "'cursor' is not a cursor this API returned; pass next_cursor from the previous page");
    }

    public static String encode(List<String> key) {
        StringBuilder b = new StringBuilder("k:");
        for (int i = 0; i < key.size(); i++) {
            b.append(i == 0 ? "" : ".").append(ENCODER.encodeToString(key.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        return ENCODER.encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The page of {@code fetched} (read with one row more than {@code limit}) and the cursor after its last row. */
    public static <T> Page<T> page(List<T> fetched, int limit, Function<T, List<String>> sortKey) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, encode(sortKey.apply(items.get(limit - 1))));
    }

    /** A cursor part that holds an instant (a list sorted by time); 400 naming {@code cursor} when it is not one. */
    public static java.time.Instant instantPart(String part) {
        try {
            return java.time.Instant.parse(part);
        } catch (java.time.format.DateTimeParseException e) {
            throw badCursor();
        }
    }

    /** A cursor part that holds a whole number (a numeric id breaking ties); 400 naming {@code cursor} when it is not one. */
    public static long longPart(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    private static RuntimeException badCursor() {
        return Check.invalid("cursor", "'cursor' is not a cursor this API returned; pass next_cursor from the previous page");
    }
}
