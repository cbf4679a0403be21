package io.tunetrail.api.service;

import io.tunetrail.api.http.Check;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which catalog fields each recommendation item carries ({@code fields=}), from a fixed set; {@code track_id},
 * {@code score}, {@code reason} and {@code source} are always there. Absent: {@link #DEFAULT}; empty: none (the item's
 * core only, and no catalog read unless a filter needs one).
 */
public final class ItemFields {
    public enum Field {
        TITLE, ARTIST_ID, ARTIST_NAME, GENRE_IDS, DURATION_MS, ALBUM, RELEASE_YEAR, POPULARITY;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a client shows: title, artist, genres and duration. */
    public static final ItemFields DEFAULT = new ItemFields(EnumSet.of(Field.TITLE, Field.ARTIST_ID, Field.ARTIST_NAME, Field.GENRE_IDS,
            Field.DURATION_MS));
    public static final ItemFields NONE = new ItemFields(EnumSet.noneOf(Field.class));
    /** Longest {@code fields} value accepted: every name once, with commas. */
    private static final int MAX_LENGTH = 200;

    private final Set<Field> fields;

    private ItemFields(Set<Field> fields) {
        this.fields = fields;
    }

    /** Parses {@code fields=} (comma-separated names of {@link Field}, snake_case); 400 naming {@code fields} otherwise. */
    public static ItemFields parse(String raw) {
        if (raw == null) {
            return DEFAULT;
        }
        if (raw.isBlank()) {
            return NONE;
        }
        if (raw.length() > MAX_LENGTH) {
            throw Check.invalid("fields", "'fields' is longer than " + MAX_LENGTH + " characters; name each field once");
        }
        EnumSet<Field> chosen = EnumSet.noneOf(Field.class);
        for (String name : raw.split(",", -1)) {
            chosen.add(field(name.strip()));
        }
        return new ItemFields(chosen);
    }

    private static Field field(String name) {
        for (Field f : Field.values()) {
            if (f.wireName().equals(name)) {
                return f;
            }
        }
        throw Check.invalid("fields", "'fields' names '" + name + "', which is not an item field; choose from "
                + java.util.Arrays.stream(Field.values()).map(Field::wireName).collect(Collectors.joining(", ")));
    }

    public boolean has(Field f) {
        return fields.contains(f);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The accepted names, for the API's documentation. */
    public static String names() {
        return java.util.Arrays.stream(Field.values()).map(Field::wireName).collect(Collectors.joining(", "));
    }
}
