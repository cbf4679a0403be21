package io.tunetrail.console;

import io.tunetrail.console.auth.TrustedProxies;
import io.tunetrail.model.PlatformConfig;
import java.net.URI;
import java.time.Duration;

/** The console's configuration ({@code console.*} keys of {@link PlatformConfig}), checked once at start. */
public record ConsoleSettings(boolean cookieSecure, Duration idleTimeout, Duration maxSessionAge, int maxFailuresPerAccount,
        int maxFailuresPerAddress, Duration signInWindow, String publicUrl, Duration invitationLifetime, Duration resetLifetime,
        TrustedProxies trustedProxies) {

    public ConsoleSettings {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxSessionAge.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException(PlatformConfig.CONSOLE_SESSION_IDLE_MINUTES.describe() + " must be at least 1 and no longer than "
                    + PlatformConfig.CONSOLE_SESSION_MAX_HOURS.describe());
        }
        if (maxFailuresPerAccount < 1 || maxFailuresPerAddress < 1 || signInWindow.getSeconds() < 1) {
            throw new IllegalArgumentException("the console.signin.* limits and window must be at least 1");
        }
        if (invitationLifetime.isNegative() || invitationLifetime.isZero() || resetLifetime.isNegative() || resetLifetime.isZero()) {
            throw new IllegalArgumentException(PlatformConfig.CONSOLE_INVITATION_HOURS.describe() + " and "
                    + PlatformConfig.CONSOLE_RESET_MINUTES.describe() + " must be at least 1");
        }
        URI url = URI.create(publicUrl);
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                || !(url.getPath() == null || url.getPath().isEmpty()) || url.getQuery() != null) {
            throw new IllegalArgumentException(PlatformConfig.CONSOLE_PUBLIC_URL.describe() + " must be http(s)://host[:port] with no path, not '"
                    + publicUrl + "'");
        }
    }

    public static ConsoleSettings from(PlatformConfig config) {
        return new ConsoleSettings(config.getBoolean(PlatformConfig.CONSOLE_COOKIE_SECURE),
                Duration.ofMinutes(config.getLong(PlatformConfig.CONSOLE_SESSION_IDLE_MINUTES)),
                Duration.ofHours(config.getLong(PlatformConfig.CONSOLE_SESSION_MAX_HOURS)),
                config.getInt(PlatformConfig.CONSOLE_SIGNIN_MAX_FAILURES_PER_ACCOUNT),
                config.getInt(PlatformConfig.CONSOLE_SIGNIN_MAX_FAILURES_PER_ADDRESS),
                Duration.ofSeconds(config.getLong(PlatformConfig.CONSOLE_SIGNIN_WINDOW_SECONDS)),
                config.get(PlatformConfig.CONSOLE_PUBLIC_URL),
                Duration.ofHours(config.getLong(PlatformConfig.CONSOLE_INVITATION_HOURS)),
                Duration.ofMinutes(config.getLong(PlatformConfig.CONSOLE_RESET_MINUTES)),
                TrustedProxies.parse(config.get(PlatformConfig.CONSOLE_TRUSTED_PROXIES)));
    }
}
