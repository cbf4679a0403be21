package io.tunetrail.console;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;

/** The console's configuration ({@code console.*} keys of {@link PlatformConfig}), checked once at start. */
public record ConsoleSettings(boolean cookieSecure, Duration idleTimeout, Duration maxSessionAge, int maxFailuresPerAccount,
        int maxFailuresPerAddress, Duration signInWindow) {

    public ConsoleSettings {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxSessionAge.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException(PlatformConfig.CONSOLE_SESSION_IDLE_MINUTES.describe() + " must be at least 1 and no longer than "
                    + PlatformConfig.CONSOLE_SESSION_MAX_HOURS.describe());
        }
        if (maxFailuresPerAccount < 1 || maxFailuresPerAddress < 1 || signInWindow.getSeconds() < 1) {
            throw new IllegalArgumentException("the console.signin.* limits and window must be at least 1");
        }
    }

    public static ConsoleSettings from(PlatformConfig config) {
        return new ConsoleSettings(config.getBoolean(PlatformConfig.CONSOLE_COOKIE_SECURE),
                Duration.ofMinutes(config.getLong(PlatformConfig.CONSOLE_SESSION_IDLE_MINUTES)),
                Duration.ofHours(config.getLong(PlatformConfig.CONSOLE_SESSION_MAX_HOURS)),
                config.getInt(PlatformConfig.CONSOLE_SIGNIN_MAX_FAILURES_PER_ACCOUNT),
                config.getInt(PlatformConfig.CONSOLE_SIGNIN_MAX_FAILURES_PER_ADDRESS),
                Duration.ofSeconds(config.getLong(PlatformConfig.CONSOLE_SIGNIN_WINDOW_SECONDS)));
    }
}
