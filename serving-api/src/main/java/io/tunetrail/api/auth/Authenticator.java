package io.tunetrail.api.auth;

import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the API key of a request to a {@link Principal}.
 *
 * <p>Lookups are cached per key hash for {@code cacheNanos} so a request usually costs no database round trip. The
 * cache is dropped at once for a key this process revokes or rotates and for an org whose plan changes here (Stripe
 * webhooks), so those take effect immediately on this instance and within the cache lifetime on others. Expiry is
 * checked against the clock on every request, cached or not. The cache holds at most {@code maxEntries} keys: a key
 * beyond that evicts the stale entries, then the one loaded longest ago, so many keys (an attacker's N keys, or a
 * large tenant's) cost bounded memory and only extra database lookups.
 *
 * <p>Last use is recorded in memory and written to the database in one batch by {@link #flushLastUsed()} (called
 * periodically by the app), so a request never pays a database write for it.
 */
public final class Authenticator {
    private final ApiKeyStore keys;
    private final PlanCatalog plans;
    private final Clock clock;
    private final long cacheNanos;
    private final int maxEntries;
    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();
    /** Serialises additions to {@link #byHash}, so the size check and the put cannot race past the cap. */
    private final Object admitLock = new Object();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

    /**
     * A key lookup and the principal derived from it (plan, role, effective scopes), built once per load rather than per
     * request; null when the org's plan is not in the catalog. Revocation and expiry are still checked per request.
     */
    private record Cached(ApiKeyStore.KeyLookup lookup, Principal principal, long loadedAtNanos) {}

    /** How long a cached key lookup may serve past its lifetime while PostgreSQL cannot be reached. */
    private static final long STALE_NANOS = java.time.Duration.ofMinutes(5).toNanos();
    /** After a lookup found PostgreSQL down, how long stale entries answer without asking it again. */
    private static final long DATABASE_RETRY_NANOS = java.time.Duration.ofSeconds(1).toNanos();
    private volatile long databaseDownUntilNanos = System.nanoTime();
    private final java.util.concurrent.atomic.LongAdder staleLookups = new java.util.concurrent.atomic.LongAdder();

    public Authenticator(ApiKeyStore keys, PlanCatalog plans, Clock clock, long cacheMillis, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the key cache needs room for at least one key, not " + maxEntries);
        }
        this.keys = keys;
        this.plans = plans;
        this.clock = clock;
        this.cacheNanos = cacheMillis * 1_000_000L;
        this.maxEntries = maxEntries;
    }

    /**
     * The principal of a presented secret; throws 401 for a missing, unknown, revoked or expired key (one answer for
     * all of them).
     */
    public Principal authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            throw ApiErrors.missingKey();
        }
        if (!ApiKeySecrets.plausible(secret)) {
            throw ApiErrors.badKey();
        }
        String hash = ApiKeySecrets.hash(secret);
        Cached cached = lookup(hash).orElseThrow(ApiErrors::badKey);
        ApiKeyStore.KeyLookup lookup = cached.lookup();
        // The lookup went by hash through a unique index; comparing again in constant time keeps the decision itself
        // free of timing differences whatever the index or cache does.
        if (!ApiKeySecrets.hashMatches(hash, lookup.keyHash())) {
            throw ApiErrors.badKey();
        }
        ApiKey key = lookup.key();
        Instant now = clock.instant();
        if (key.revokedAt() != null || (key.expiresAt() != null && !now.isBefore(key.expiresAt()))) {
            throw ApiErrors.badKey();
        }
        // Last use to the second is plenty (it is written every few seconds); skipping the merge within a second keeps
        // a busy key's threads from all locking the same map bin on every request.
        Instant seen = lastUsed.get(key.keyId());
        if (seen == null || now.isAfter(seen.plusSeconds(1))) {
            lastUsed.merge(key.keyId(), now, (a, b) -> a.isAfter(b) ? a : b);
        }
        if (cached.principal() == null) {
            throw ApiErrors.unavailable("the org's plan '" + lookup.planId() + "' is not in the plan catalog; "
                    + "the operator must add it to config/plans.yaml");
        }
        return cached.principal();
    }

    /** The principal a key lookup stands for, or null when the org's plan is not in the catalog. */
    private Principal principalOf(ApiKeyStore.KeyLookup lookup) {
        ApiKey key = lookup.key();
        PlanCatalog.Plan plan = plans.find(lookup.planId()).orElse(null);
        if (plan == null) {
            return null;
        }
        // Unlimited quotas belong to the self-hosted edition, which the org row says; the plan alone must not grant
        // them (a cloud org on a community plan would otherwise meter nothing).
        boolean community = "community".equals(lookup.edition());
        // A member's key acts with the member's role as it is now (read with the key, so within the cache lifetime); an
        // unknown role value cannot come from the schema's check, and falls to the lowest rather than failing open.
        Role role = key.memberId() == null ? Role.OWNER
                : Objects.requireNonNullElse(Role.fromWire(lookup.memberRole()), Role.MEMBER);
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : key.scopes()) {
            Scope scope = Scope.fromWire(s);
            // The effective scopes are min(key, role): a member demoted after the key was made loses what the new role
            // does not allow, on every key they hold, without any key being rewritten.
            if (scope != null && role.allows(scope)) {
                scopes.add(scope);
            }
        }
        return new Principal(key.orgId(), key.keyId(), key.teamId(), scopes, plan, community, key.memberId(), role, key.expiresAt());
    }

    private Optional<Cached> lookup(String hash) {
        long now = System.nanoTime();
        Cached cached = byHash.get(hash);
        if (cached != null && now - cached.loadedAtNanos() < cacheNanos) {
            return Optional.of(cached);
        }
        // PostgreSQL down: a key this instance checked a short while ago keeps working, so routes that do not need the
        // database keep answering; a key it never saw gets 503 (no answer about keys without the database). Right after
        // a failed lookup the database is not asked again for a moment, so a request does not wait out the pool's
        // connection timeout twice (here and in its own query).
        boolean staleUsable = cached != null && now - cached.loadedAtNanos() < STALE_NANOS;
        if (staleUsable && now - databaseDownUntilNanos < 0) {
            staleLookups.increment();
            return Optional.of(cached);
        }
        Optional<ApiKeyStore.KeyLookup> found;
        try {
            found = keys.findByHash(hash);
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.UNAVAILABLE) {
                throw e;
            }
            databaseDownUntilNanos = System.nanoTime() + DATABASE_RETRY_NANOS;
            if (staleUsable) {
                staleLookups.increment();
                return Optional.of(cached);
            }
            throw e;
        }
        if (found.isEmpty()) {
            byHash.remove(hash);
            return Optional.empty();
        }
        Cached loaded = new Cached(found.get(), principalOf(found.get()), now);
        admit(hash, loaded);
        return Optional.of(loaded);
    }

    private void admit(String hash, Cached entry) {
        synchronized (admitLock) {
            if (!byHash.containsKey(hash) && byHash.size() >= maxEntries) {
                evict(entry.loadedAtNanos());
            }
            byHash.put(hash, entry);
        }
    }

    /** Makes room for one entry: drops every stale entry, and when none was stale, the one loaded longest ago. */
    private void evict(long nowNanos) {
        byHash.values().removeIf(c -> nowNanos - c.loadedAtNanos() >= cacheNanos);
        while (byHash.size() >= maxEntries) {
            byHash.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().loadedAtNanos()))
                    .ifPresent(oldest -> byHash.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** How many key lookups the cache holds now (never more than its cap). */
    public int cachedKeys() {
        return byHash.size();
    }

    /** Requests authenticated from an expired cache entry because PostgreSQL was down: a metric of degraded mode. */
    public long staleLookups() {
        return staleLookups.sum();
    }

    /** Forgets a key (revoked or rotated here). */
    public void forgetKey(String keyId) {
        byHash.values().removeIf(c -> c.lookup().key().keyId().equals(keyId));
    }

    /** Forgets every key of an org (its plan changed). */
    public void forgetOrg(String orgId) {
        byHash.values().removeIf(c -> c.lookup().key().orgId().equals(orgId));
    }

    /** Writes the buffered last-use times; returns how many keys were written. */
    public int flushLastUsed() {
        Map<String, Instant> batch = new HashMap<>();
        for (String keyId : lastUsed.keySet()) {
            Instant at = lastUsed.remove(keyId);
            if (at != null) {
                batch.put(keyId, at);
            }
        }
        keys.recordLastUsed(batch);
        return batch.size();
    }
}
