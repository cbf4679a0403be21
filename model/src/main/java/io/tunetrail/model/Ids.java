package io.tunetrail.model;

import java.util.regex.Pattern;

/**
 * The one rule for identifiers (orgs, users, tracks, events, API keys): 1..128 characters of
 * {@code A-Z a-z 0-9 . _ : @ / -}, starting with a letter or digit.
 *
 * <p>The same rule is written, necessarily, in two other languages: the {@code $defs/id} of {@code schemas/*.json}
 * and the {@code tt_id} domain of the PostgreSQL schema; tests hold both to {@link #PATTERN} and {@link #MAX_LENGTH}.
 * Ids never contain braces, whitespace or commas, which the Redis key layout and list encodings rely on.
 */
public final class Ids {
    /** The pattern, in the syntax JSON Schema, PostgreSQL and Java share. */
    public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:@/-]*$";
    public static final int MAX_LENGTH = 128;

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private Ids() {}

    /**
     * Whether {@code id} follows {@link #PATTERN}. Checked character by character rather than with the compiled
     * pattern: the API checks several ids on every request, and a regex matcher cost a request more time and
     * allocation than its whole Redis key building. {@code IdsTest} holds the two to the same answers.
     */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !isAlphanumeric(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAlphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '/' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code id} matches {@link #PATTERN} by the regex itself: the reference {@link #isValid} is tested against. */
    static boolean matchesPattern(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_LENGTH && COMPILED.matcher(id).matches();
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
