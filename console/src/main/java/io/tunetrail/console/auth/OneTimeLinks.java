package io.tunetrail.console.auth;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/** What invitation and password-reset links share: the token's form and how an expiry is written in their e-mail. */
final class OneTimeLinks {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** {@link SessionStore#random()}: 256 bits, base64url, 43 characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private OneTimeLinks() {}

    static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }
}
