package io.tunetrail.console.auth;

import java.util.Locale;
import java.util.Set;

/**
 * What a password a member chooses (accepting an invitation, resetting) must be: long rather than clever, as NIST SP
 * 800-63B advises: at least 12 characters, not built from the e-mail address, not one of the passwords every list of
 * leaked ones starts with, and not a run of a few repeated characters.
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 1024;
    private static final Set<String> COMMON = Set.of("password1234", "123456789012", "qwertyuiopas", "passwordpassword", "iloveyou1234",
            "letmein12345", "welcome12345", "changeme1234", "administrator", "qwerty123456", "1q2w3e4r5t6y", "abcdefghijkl");

    private PasswordPolicy() {}

    /** Why {@code password} is refused for the account of {@code email}, or null when it will do. */
    public static String refusal(String password, String email) {
        if (password == null || password.length() < MIN_LENGTH) {
            return "Choose a password of at least " + MIN_LENGTH + " characters; a few unrelated words make a good one.";
        }
        if (password.length() > MAX_LENGTH) {
            return "Choose a password of at most " + MAX_LENGTH + " characters.";
        }
        String lower = password.toLowerCase(Locale.ROOT);
        String local = email == null ? "" : email.toLowerCase(Locale.ROOT).split("@", 2)[0];
        if (local.length() >= 4 && lower.contains(local)) {
            return "Choose a password that does not contain your e-mail address.";
        }
        if (COMMON.contains(lower)) {
            return "This password is among the first that attackers try; choose another.";
        }
        if (password.chars().distinct().count() < 5) {
            return "Choose a password with more different characters.";
        }
        return null;
    }
}
