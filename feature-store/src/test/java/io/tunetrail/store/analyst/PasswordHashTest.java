package io.tunetrail.store.analyst;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void aPasswordMatchesItsHashAndNothingElse() {
        String password = PasswordHash.newPassword();
        String stored = PasswordHash.hash(password);
        assertThat(stored).startsWith("pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$").doesNotContain(password);
        assertThat(PasswordHash.matches(password, stored)).isTrue();
        assertThat(PasswordHash.matches(password + "x", stored)).isFalse();
        assertThat(PasswordHash.matches("", stored)).isFalse();
    }

    @Test
    void theSameHashTwiceDiffersBySalt() {
        assertThat(PasswordHash.hash("secret")).isNotEqualTo(PasswordHash.hash("secret"));
    }

    @Test
    void malformedStoredValuesNeverMatch() {
        assertThat(PasswordHash.matches("p", null)).isFalse();
        assertThat(PasswordHash.matches("p", "plain")).isFalse();
        assertThat(PasswordHash.matches("p", "md5$1$YQ$YQ")).isFalse();
        assertThat(PasswordHash.matches("p", "pbkdf2-sha256$x$YQ$YQ")).isFalse();
    }

    @Test
    void theIterationCountIsTakenFromTheStoredValue() {
        byte[] salt = new byte[16];
        String cheap = PasswordHash.encode(1000, salt, new byte[32]);
        assertThat(PasswordHash.matches("anything", cheap)).isFalse();
    }

    @Test
    void generatedPasswordsAreLongAndUrlSafe() {
        String p = PasswordHash.newPassword();
        assertThat(p).hasSize(22).matches("[A-Za-z0-9_-]+");
        assertThat(PasswordHash.newPassword()).isNotEqualTo(p);
    }
}
