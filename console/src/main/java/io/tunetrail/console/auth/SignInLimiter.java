package io.tunetrail.console.auth;

import io.tunetrail.store.online.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Limits failed console sign-ins per account (e-mail) and per client address, in Redis so every API instance counts
 * together. Each count lives for a window from its first failure; at the limit, sign-ins for that account or from
 * that address are refused, right or wrong, until the window ends. A successful sign-in clears its account's count
 * (not the address's: one good password must not buy an address more guesses at other accounts).
 */
public final class SignInLimiter {
    // INCR, and start the window on the first failure only, in one step: two racing failures cannot both miss the expiry.
    private static final String COUNT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final UnifiedJedis jedis;
    /** "" for sign-in failures, "reset-" for password-reset requests: the two are counted apart. */
    private final String subjectPrefix;
    private final int maxPerAccount;
    private final int maxPerAddress;
    private final Duration window;

    public SignInLimiter(UnifiedJedis jedis, int maxPerAccount, int maxPerAddress, Duration window) {
        this(jedis, "", maxPerAccount, maxPerAddress, window);
    }

    private SignInLimiter(UnifiedJedis jedis, String subjectPrefix, int maxPerAccount, int maxPerAddress, Duration window) {
        this.jedis = jedis;
        this.subjectPrefix = subjectPrefix;
        this.maxPerAccount = maxPerAccount;
        this.maxPerAddress = maxPerAddress;
        this.window = window;
    }

    /**
     * The same limits for password-reset requests, counted apart from sign-ins: every request counts (there is no
     * "failed" request, since the answer never says whether the address has an account), so an address or account
     * gets at most this many reset e-mails a window.
     */
    public static SignInLimiter forResets(UnifiedJedis jedis, int maxPerAccount, int maxPerAddress, Duration window) {
        return new SignInLimiter(jedis, "reset-", maxPerAccount, maxPerAddress, window);
    }

    /** How long sign-ins for this account or from this address stay refused, or empty when they may be tried. */
    public Optional<Duration> refusedFor(String email, String address) {
        long wait = Math.max(wait(accountKey(email), maxPerAccount), wait(addressKey(address), maxPerAddress));
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    public void failed(String email, String address) {
        String ms = Long.toString(window.toMillis());
        jedis.eval(COUNT, List.of(accountKey(email)), List.of(ms));
        jedis.eval(COUNT, List.of(addressKey(address)), List.of(ms));
    }

    public void succeeded(String email) {
        jedis.del(accountKey(email));
    }

    private long wait(String key, int max) {
        String count = jedis.get(key);
        if (count == null || Long.parseLong(count) < max) {
            return 0;
        }
        return Math.max(1, jedis.pttl(key));
    }

    private String accountKey(String email) {
        return RedisKeys.signInFailures(subjectPrefix + "account", SessionStore.digest(email.trim().toLowerCase(Locale.ROOT)));
    }

    private String addressKey(String address) {
        return RedisKeys.signInFailures(subjectPrefix + "address", SessionStore.digest(address));
    }
}
