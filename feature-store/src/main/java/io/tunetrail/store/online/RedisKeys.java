package io.tunetrail.store.online;

import io.tunetrail.store.Ids;
import io.tunetrail.store.StoreException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The Redis key layout of the online store: every key any module reads or writes is built here, and
 * {@code feature-store/KEYS.md} explains it. Change a key here and in that file, nowhere else.
 *
 * <pre>
 * tt:{org}:user:USER:fv:VIEW                 hash      LATEST row of a USER view     TTL = view TTL
 * tt:{org}:track:TRACK:fv:VIEW               hash      LATEST row of a TRACK view    TTL = view TTL
 * tt:{org}:org:fv:VIEW                       hash      LATEST row of an ORG view     TTL = view TTL
 * tt:{org}:ENTITY:ID:fv:VIEW:v:VERSION       hash      VERSIONED row                 TTL = view TTL
 * tt:{org}:fv:VIEW:active                    string    active version of VIEW        no TTL
 * tt:{org}:fv:VIEW:canary                    string    running canary of VIEW        no TTL; removed by its decision
 * tt:{org}:usage:RESOURCE:d:yyyyMMdd         integer   COUNTER, UTC day              no TTL; retention at day end + 2 days
 * tt:{org}:usage:RESOURCE:m:yyyyMM           integer   COUNTER, UTC month            no TTL; retention at month end + 2 days
 * tt:{org}:ledger:RESOURCE:d:yyyyMMdd        integer   usage ledger (streaming), day no TTL; retention at day end + 35 days
 * tt:{org}:ledger:RESOURCE:m:yyyyMM          integer   usage ledger (streaming), month no TTL; retention at month end + 35 days
 * tt:{org}:ratelimit:KEY                     string    GCRA state of one API key     no TTL; retention once the bucket is full
 * tt:{org}:ratelimit                         string    GCRA state of the org's ceiling no TTL; retention once the bucket is full
 * tt:{org}:ratelimit_s:KEY                   string    per-second GCRA state of a key no TTL; retention once the bucket is full
 * tt:{org}:seen:CLIENT_EVENT_ID              string    an interaction the API took   7 days (idempotency window)
 * tt:{org}:feedback:v:VERSION                hash      feedback counts per type      90 days after the last
 * tt:{org}:keyusage:KEY:d:yyyyMMdd           hash      calls of one API key by route (and "@HH route") until the day ends + 35 days
 * </pre>
 *
 * <p>Each key belongs to a {@link KeyFamily}: evictable families carry a TTL, protected ones (quota, limiter,
 * ledger, version pointers) never do, so Redis's {@code volatile-lru} cannot evict them ({@code KEYS.md}, "Memory").
 *
 * <p>The org id is a Redis Cluster hash tag ({@code {org}}): all of an org's keys live in one slot, so multi-key
 * reads, transactions and the version-read script stay valid on a cluster. Keys cannot collide across orgs or
 * entities: ids never contain braces (the org segment ends at the first {@code '}'}), each key holds at most one
 * free-form id after the org, and everything after that id is fixed tokens, snake_case view names, versions and
 * resources, none of which contain {@code ':'}.
 */
public final class RedisKeys {
    /** Every key of the platform starts with this, so the store can share a Redis with other applications. */
    public static final String PREFIX = "tt:";

    private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    private RedisKeys() {}

    /** {@code tt:{org}}: the prefix of every key of the org. */
    public static String org(String orgId) {
        return PREFIX + "{" + Ids.require("org id", orgId) + "}";
    }

    /** A SCAN pattern matching every key of the org (exporting or deleting an org's online data). */
    public static String orgPattern(String orgId) {
        // Ids contain none of the glob characters * ? [ ] \, so the org id needs no escaping.
        return org(orgId) + ":*";
    }

    /** The key of an entity's row of a {@link FeatureView.Layout#LATEST} view. */
    public static String row(String orgId, FeatureView view, String entityId) {
        requireLayout(view, FeatureView.Layout.LATEST);
        return entityPrefix(orgId, view, entityId) + ":fv:" + view.name();
    }

    /** The key of an entity's row of a {@link FeatureView.Layout#VERSIONED} view under one model version. */
    public static String versionedRow(String orgId, FeatureView view, String entityId, String version) {
        VersionedParts parts = versionedParts(orgId, view);
        return parts.beforeId() + entitySegment(orgId, view, entityId) + parts.afterId() + requireVersion(version);
    }

    /**
     * A versioned row key split around the entity id: {@code beforeId + id + afterId + version}. The version-read
     * script builds keys from these parts on the server, after it has read the active version.
     */
    public record VersionedParts(String beforeId, String afterId) {}

    public static VersionedParts versionedParts(String orgId, FeatureView view) {
        requireLayout(view, FeatureView.Layout.VERSIONED);
        String before = view.entity() == Entity.ORG ? org(orgId) + ":org" : org(orgId) + ":" + view.entity().keyToken() + ":";
        return new VersionedParts(before, ":fv:" + view.name() + ":v:");
    }

    /**
     * A SCAN pattern matching every row of a VERSIONED view under one version (deleting a retired version). Ids and
     * versions contain none of the glob characters, and the pattern's fixed end {@code :fv:VIEW:v:VERSION} cannot match
     * the end of another version's key ({@code 1.0} vs {@code 11.0} or {@code global-1.0}: the ':' before it differs).
     */
    public static String versionPattern(String orgId, FeatureView view, String version) {
        VersionedParts parts = versionedParts(orgId, view);
        return parts.beforeId() + "*" + parts.afterId() + requireVersion(version);
    }

    /** The string key naming the active model version of a {@link FeatureView.Layout#VERSIONED} view. */
    public static String activeVersion(String orgId, FeatureView view) {
        requireLayout(view, FeatureView.Layout.VERSIONED);
        return org(orgId) + ":fv:" + view.name() + ":active";
    }

    /**
     * The string key naming the running canary of a VERSIONED view ({@link CanarySplit#encode}): the version read
     * script serves its candidate to the canary's share of listeners instead of the active version.
     */
    public static String canary(String orgId, FeatureView view) {
        requireLayout(view, FeatureView.Layout.VERSIONED);
        return org(orgId) + ":fv:" + view.name() + ":canary";
    }

    /** The counter of a resource for one UTC day. */
    public static String usageDay(String orgId, String resource, LocalDate day) {
        return org(orgId) + ":usage:" + requireResource(resource) + ":d:" + DAY.format(day);
    }

    /** The counter of a resource for one UTC month. */
    public static String usageMonth(String orgId, String resource, YearMonth month) {
        return org(orgId) + ":usage:" + requireResource(resource) + ":m:" + MONTH.format(month);
    }

    /**
     * The usage ledger's total of a resource for one UTC day: written (SET, absolute) by the streaming usage-counters
     * job from event-time windows, so it never shares a key with the API's incremented {@link #usageDay} counter.
     */
    public static String ledgerDay(String orgId, String resource, LocalDate day) {
        return org(orgId) + ":ledger:" + requireResource(resource) + ":d:" + DAY.format(day);
    }

    /** The usage ledger's month-to-date total of a resource for one UTC month (see {@link #ledgerDay}). */
    public static String ledgerMonth(String orgId, String resource, YearMonth month) {
        return org(orgId) + ":ledger:" + requireResource(resource) + ":m:" + MONTH.format(month);
    }

    /**
     * The rate-limit state (GCRA theoretical arrival time, epoch ms) of one API key of the org. It shares the org's
     * hash tag, so the API's one limit script may touch it together with the org's usage counters.
     */
    public static String rateLimit(String orgId, String keyId) {
        return org(orgId) + ":ratelimit:" + Ids.require("API key id", keyId);
    }

    /**
     * The per-second rate-limit state (GCRA theoretical arrival time, epoch ms) of one API key, for plans with
     * {@code requests_per_second}. A kind of its own ({@code ratelimit_s}), not a suffix of {@link #rateLimit}: key ids
     * may contain {@code :}, so a suffix could collide with another key's state.
     */
    public static String rateLimitPerSecond(String orgId, String keyId) {
        return org(orgId) + ":ratelimit_s:" + Ids.require("API key id", keyId);
    }

    /**
     * The rate-limit state (GCRA theoretical arrival time, epoch ms) of the org's ceiling: all of its API keys together.
     * The same limit script advances it with the key's own state, so minting keys cannot multiply the rate.
     */
    public static String orgRateLimit(String orgId) {
        return org(orgId) + ":ratelimit";
    }

    /**
     * Marks an interaction the API accepted, by the client's event id: a second POST of the same id within the
     * idempotency window is answered as a duplicate and not published again.
     */
    public static String interactionSeen(String orgId, String clientEventId) {
        return org(orgId) + ":seen:" + Ids.require("client event id", clientEventId);
    }

    /** Feedback counts (like, dislike, skip, ...) on recommendations of one model version: A/B experiment results. */
    public static String feedback(String orgId, String version) {
        return org(orgId) + ":feedback:v:" + requireVersion(version);
    }

    /** Calls of one API key in one UTC day, by route ({@code GET /api/v1/...}): the per-key usage detail. */
    public static String keyUsageDay(String orgId, String keyId, LocalDate day) {
        return org(orgId) + ":keyusage:" + Ids.require("API key id", keyId) + ":d:" + DAY.format(day);
    }

    /**
     * Marks a batch of usage the API counted on its own while Redis was down as added to the org's counters, so a
     * batch retried after a lost reply is not added twice.
     */
    public static String reconciledBatch(String orgId, String batchId) {
        return org(orgId) + ":reconciled:" + Ids.require("reconciliation batch id", batchId);
    }

    /**
     * The hash tag of the keys that belong to no org: the web console's sign-in limits (a sign-in names no org). Ids
     * never start with '-', so no org's keys can share it.
     */
    private static final String NO_ORG = "{-console}";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * Failed web console sign-ins within the current window, per {@code subject} ({@code account} or {@code address})
     * and SHA-256 of the e-mail (lower case) or client address: neither is stored in the clear. Password-reset
     * requests are counted the same way, as {@code reset-account} and {@code reset-address}.
     */
    public static String signInFailures(String subject, String sha256Hex) {
        if (!java.util.Set.of("account", "address", "reset-account", "reset-address").contains(subject)) {
            throw new IllegalArgumentException("sign-in failures are counted per account or per address, not per '" + subject + "'");
        }
        return PREFIX + NO_ORG + ":signin:" + subject + ":" + requireSha256(sha256Hex);
    }

    /** A new API key's secret held for one minute so the page the console redirects to shows it once (GETDEL). */
    public static String consoleSecret(String orgId, String sessionSha256Hex) {
        return org(orgId) + ":consolesecret:" + requireSha256(sessionSha256Hex);
    }

    private static String requireSha256(String hex) {
        if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("expected a SHA-256 digest in lower-case hex, got '" + hex + "'");
        }
        return hex;
    }

    /** Returns the version, or fails when it could not be a key segment ({@link Ids#requireModelVersion}). */
    public static String requireVersion(String version) {
        return Ids.requireModelVersion(version);
    }

    public static String requireResource(String resource) {
        if (resource == null || !RESOURCE.matcher(resource).matches()) {
            throw StoreException.invalid("resource '" + resource + "' is not valid",
                    "Resources are snake_case names of the plan catalog's limits, e.g. api_calls");
        }
        return resource;
    }

    private static String entityPrefix(String orgId, FeatureView view, String entityId) {
        String segment = entitySegment(orgId, view, entityId);
        return view.entity() == Entity.ORG ? org(orgId) + ":org" : org(orgId) + ":" + view.entity().keyToken() + ":" + segment;
    }

    /**
     * The entity's segment of a row key, checked: the id itself, or "" for ORG views, whose entity is the org and
     * whose keys carry no second id.
     */
    static String entitySegment(String orgId, FeatureView view, String entityId) {
        if (view.entity() == Entity.ORG) {
            if (!Ids.require("org id", orgId).equals(entityId)) {
                throw orgEntityMismatch(orgId, entityId);
            }
            return "";
        }
        return Ids.require(view.entity().keyToken() + " id", entityId);
    }

    private static StoreException orgEntityMismatch(String orgId, String entityId) {
        return StoreException.invalid("the entity of an org view is the org itself, but row '" + entityId + "' was given for org "
                + orgId, "Use the org id as the entity id");
    }

    private static void requireLayout(FeatureView view, FeatureView.Layout layout) {
        if (view.layout() != layout) {
            throw StoreException.invalid("feature view " + view.name() + " is " + view.layout() + ", not " + layout,
                    switch (view.layout()) {
                        case LATEST -> "Use RedisKeys.row";
                        case VERSIONED -> "Use RedisKeys.versionedRow / activeVersion";
                        case COUNTER -> "Use RedisKeys.usageDay / usageMonth";
                    });
        }
    }
}
