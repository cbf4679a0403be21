package io.tunetrail.console.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Argon2idPasswordsTest {
    private final Argon2idPasswords passwords = new Argon2idPasswords();

    @Test
    void hashesAreArgon2idPhcStringsWithTheStatedParametersAndAFreshSalt() {
        String a = passwords.hash("correct horse battery staple");
        String b = passwords.hash("correct horse battery staple");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.split("\\$")).hasSize(6);
    }

    @Test
    void onlyTheRightPasswordMatches() {
        String stored = passwords.hash("s3cret-Passw0rd");
        assertThat(passwords.matches("s3cret-Passw0rd", stored)).isTrue();
        assertThat(passwords.matches("s3cret-Passw0rD", stored)).isFalse();
        assertThat(passwords.matches("", stored)).isFalse();
        assertThat(passwords.matchesNothing("s3cret-Passw0rd")).isFalse();
    }

    @Test
    void aTamperedOrForeignHashMatchesNothing() {
        String stored = passwords.hash("pw");
        String[] parts = stored.split("\\$");
        // Weaker parameters written into the row must not be honoured with the old hash.
        String weakened = stored.replace("t=2", "t=1");
        assertThat(passwords.matches("pw", weakened)).isFalse();
        assertThat(passwords.matches("pw", "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5])).isFalse();
        assertThat(passwords.matches("pw", "plain text")).isFalse();
        assertThat(passwords.matches("pw", null)).isFalse();
    }

    @Test
    void generatedPasswordsAreLongAndDistinct() {
        String p = ConsoleAccounts.newPassword();
        assertThat(p).hasSize(32).matches("[A-Za-z0-9_-]+");
        assertThat(ConsoleAccounts.newPassword()).isNotEqualTo(p);
    }
}
