package io.tunetrail.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The session cookie's flags by console.cookie-secure; ConsoleSecurityIT sees the secure default over HTTP. */
class ConsoleHttpTest {
    @Test
    void forLocalHttpTheCookieLosesOnlySecureAndStaysHttpOnlyAndStrict() {
        ConsoleHttp localHttp = new ConsoleHttp(false);
        assertThat(localHttp.cookie("tt_console_session", "abc", false)).isEqualTo("tt_console_session=abc; Path=/console; HttpOnly; SameSite=Strict");
        assertThat(localHttp.cookie("tt_console_session", "", true))
                .isEqualTo("tt_console_session=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
    }

    @Test
    void byDefaultTheCookieIsSecureHttpOnlyAndStrict() {
        ConsoleHttp https = new ConsoleHttp(true);
        assertThat(https.cookie("tt_console_session", "abc", false))
                .isEqualTo("tt_console_session=abc; Path=/console; HttpOnly; SameSite=Strict; Secure");
        assertThat(https.cookie("tt_console_session", "", true))
                .isEqualTo("tt_console_session=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
    }
}
