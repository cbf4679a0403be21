package io.tunetrail.store.online;

import java.util.Optional;

/**
 * The kinds of Redis keys {@link RedisKeys} builds, each either evictable or protected, for Redis's
 * {@code maxmemory-policy volatile-lru} (set by the local stack, {@code feature-store/KEYS.md}): under that policy Redis
 * evicts only keys that carry a TTL, so an evictable family is written with a TTL and a protected one never is.
 *
 * <p>Protected are the quota counters, the rate-limit state, the billing ledger and the version pointers: evicting a
 * counter hands an org free quota, evicting a limiter state lifts its rate limit, evicting a pointer un-serves a
 * model. They are removed by {@link RedisRetention} once their period is over. Evictable are the data that can be
 * rebuilt or lost at small cost under memory pressure: feature rows (rewritten by the jobs), idempotency marks (a
 * duplicate may then be accepted twice), feedback counts and per-key call details.
 */
public enum KeyFamily {
    ROW("user|track|org ... :fv:VIEW", true),
    VERSIONED_ROW("... :fv:VIEW:v:VERSION", true),
    // A canary names the version a share of listeners is served: evicting it would end the canary unrecorded.
    ACTIVE_VERSION("fv:VIEW:active | fv:VIEW:canary", false),
    USAGE("usage:RESOURCE:d|m:PERIOD", false),
    LEDGER("ledger:RESOURCE:d|m:PERIOD", false),
    RATE_LIMIT("ratelimit[:KEY] | ratelimit_s:KEY", false),
    SEEN("seen:CLIENT_EVENT_ID", true),
    FEEDBACK("feedback:v:VERSION", true),
    KEY_USAGE("keyusage:KEY:d:DAY", true),
    // Marks of usage batches already added back after a Redis outage; they matter for seconds (a retried batch), and
    // one evicted under memory pressure days later guards nothing any more.
    RECONCILED("reconciled:BATCH", true),
    // Sign-in failure counts live only for their window. One evicted under memory pressure gives an attacker one more
    // window of guesses against an Argon2id hash; keeping it without a TTL would need retention for no real gain.
    SIGN_IN("signin:[reset-]account|address:SHA256 (hash tag {-console}, no org)", true),
    // A new key's secret for the one page view after the redirect: a minute at most, and lost is only "create again".
    CONSOLE_SECRET("consolesecret:SESSION", true);

    private final String shape;
    private final boolean evictable;

    KeyFamily(String shape, boolean evictable) {
        this.shape = shape;
        this.evictable = evictable;
    }

    /** Whether Redis may evict keys of this family under memory pressure; such keys, and only they, carry a TTL. */
    public boolean evictable() {
        return evictable;
    }

    /** The key's shape after {@code tt:{ORG}:}, for messages and docs. */
    public String shape() {
        return shape;
    }

    /**
     * The family of a key of the platform, or empty for a key that is not ours. The kind is the segment right after
     * the org's hash tag (KEYS.md: "one segment after the org says the kind"); ids come after it, so they cannot
     * change it.
     */
    public static Optional<KeyFamily> of(String key) {
        if (!key.startsWith(RedisKeys.PREFIX + "{")) {
            return Optional.empty();
        }
        int close = key.indexOf("}:");
        if (close < 0) {
            return Optional.empty();
        }
        String rest = key.substring(close + 2);
        int colon = rest.indexOf(':');
        String kind = colon < 0 ? rest : rest.substring(0, colon);
        return Optional.ofNullable(switch (kind) {
            case "user", "track", "org" -> rest.matches(".*:fv:[a-z0-9_]+:v:[A-Za-z0-9._-]+$") ? VERSIONED_ROW : ROW;
            case "fv" -> rest.endsWith(":active") || rest.endsWith(":canary") ? ACTIVE_VERSION : null;
            case "usage" -> USAGE;
            case "ledger" -> LEDGER;
            case "ratelimit", "ratelimit_s" -> RATE_LIMIT;
            case "seen" -> SEEN;
            case "feedback" -> FEEDBACK;
            case "keyusage" -> KEY_USAGE;
            case "reconciled" -> RECONCILED;
            case "signin" -> SIGN_IN;
            case "consolesecret" -> CONSOLE_SECRET;
            default -> null;
        });
    }
}
