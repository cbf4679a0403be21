package io.tunetrail.console.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.store.testing.RedisNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sign-in limits on the stack's Redis. Addresses here are documentation addresses as strings (RFC 5737): nothing
 * connects to them, and no other test's 127.0.0.1 count is touched.
 */
class SignInLimiterIT {
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    private static String unique(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anAddressIsRefusedAfterItsFailuresWhateverAccountsItTried() {
        SignInLimiter limiter = new SignInLimiter(REDIS.jedis(), 100, 3, Duration.ofMinutes(5));
        String address = "192.0.2." + (1 + (int) (Math.random() * 250)) + "-" + unique("a");
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.refusedFor(unique("u") + "@example.com", address)).isEmpty();
            limiter.failed(unique("u") + "@example.com", address);
        }
        assertThat(limiter.refusedFor(unique("fresh") + "@example.com", address)).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5)));
        assertThat(limiter.refusedFor(unique("fresh") + "@example.com", "198.51.100.7-" + unique("b"))).isEmpty();
        // Counts are of the evictable SIGN_IN family: each carries the window as its TTL (feature-store/KEYS.md).
        String key = io.tunetrail.store.online.RedisKeys.signInFailures("address", SessionStore.digest(address));
        assertThat(io.tunetrail.store.online.KeyFamily.of(key)).hasValue(io.tunetrail.store.online.KeyFamily.SIGN_IN);
        assertThat(REDIS.jedis().pttl(key)).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void anAccountsCountIsPerEmailCaseInsensitiveAndClearedBySuccess() {
        SignInLimiter limiter = new SignInLimiter(REDIS.jedis(), 2, 100, Duration.ofMinutes(5));
        String email = unique("Someone") + "@Example.com";
        limiter.failed(email, "203.0.113.1-" + unique("c"));
        limiter.failed(email.toLowerCase(java.util.Locale.ROOT), "203.0.113.2-" + unique("d"));
        assertThat(limiter.refusedFor(email.toUpperCase(java.util.Locale.ROOT), "203.0.113.3-" + unique("e"))).isPresent();
        limiter.succeeded(email);
        assertThat(limiter.refusedFor(email, "203.0.113.3-" + unique("f"))).isEmpty();
    }

    @Test
    void theWindowEnds() throws InterruptedException {
        SignInLimiter limiter = new SignInLimiter(REDIS.jedis(), 1, 100, Duration.ofMillis(300));
        String email = unique("brief") + "@example.com";
        limiter.failed(email, "203.0.113.9-" + unique("g"));
        assertThat(limiter.refusedFor(email, "x")).isPresent();
        Thread.sleep(600);
        assertThat(limiter.refusedFor(email, "x")).isEmpty();
    }
}
