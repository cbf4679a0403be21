package io.tunetrail.store.online;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which listeners a running canary serves its candidate version: those whose bucket, a stable hash of the canary's
 * seed (org and canary id) and the listener id, is below {@code basisPoints} of 10,000. The same listener always lands
 * in the same arm of one canary; a new canary reshuffles.
 *
 * <p>The bucket is computed on the Redis server by the version read script ({@link RedisOnlineStore}), in the same
 * atomic step that resolves the active version, so the API makes no extra round trip for a canary. Redis's Lua offers
 * SHA-1 only ({@code redis.sha1hex}), and its numbers are doubles: hence SHA-1 and the first 7 hex digits (28 bits,
 * exact in a double). {@link #servesCandidate} is the same computation in Java.
 *
 * @param candidate   the candidate's version label, as its rows carry it
 * @param basisPoints the share of listeners served the candidate, in 1/10,000
 * @param seed        {@code org/canary id}: what makes one canary's split independent of another's
 */
public record CanarySplit(String candidate, int basisPoints, String seed) {
    public static final int BUCKETS = 10_000;

    public CanarySplit {
        RedisKeys.requireVersion(candidate);
        if (basisPoints < 0 || basisPoints > BUCKETS) {
            throw new IllegalArgumentException("a canary's share is 0..10000 basis points, not " + basisPoints);
        }
        if (seed == null || seed.isEmpty() || seed.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a canary's seed is a non-empty word, not '" + seed + "'");
        }
    }

    /** The split of canary {@code canaryId} of the org serving {@code candidate} to {@code sharePercent} % of listeners. */
    public static CanarySplit of(String orgId, long canaryId, String candidate, int sharePercent) {
        return new CanarySplit(candidate, sharePercent * (BUCKETS / 100), orgId + "/" + canaryId);
    }

    /** The bucket of a listener, in [0, 10000). */
    public int bucket(String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((seed + ":" + userId).getBytes(StandardCharsets.UTF_8));
            return Integer.parseInt(HexFormat.of().formatHex(digest, 0, 4).substring(0, 7), 16) % BUCKETS;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** Whether the listener is served the candidate (when it has a row for them; otherwise the active version). */
    public boolean servesCandidate(String userId) {
        return bucket(userId) < basisPoints;
    }

    /** The value of the canary key ({@link RedisKeys#canary}) the read script parses. */
    public String encode() {
        return candidate + " " + basisPoints + " " + seed;
    }

    /**
     * Lua: {@code read_canary(key)}, the canary a key names ({candidate, basis points, seed}) or nil ('' or absent key);
     * {@code read_row(row_prefix, active, canary, listener)}, the listener's row: the candidate's when the listener is in
     * the canary's share and the candidate has a row for them, else the active version's. See the class comment.
     */
    static final String LUA_FUNCTIONS = String.join("\n",
            "local function read_canary(key)",
            "  if key == '' then return nil end",
            "  local value = redis.call('GET', key)",
            "  if not value then return nil end",
            "  local candidate, share, seed = string.match(value, '^(%S+) (%d+) (%S+)$')",
            "  if not candidate then return nil end",
            "  return {candidate, tonumber(share), seed}",
            "end",
            "local function read_row(row_prefix, active, canary, listener)",
            "  if canary and listener ~= '' and canary[1] ~= active",
            "      and tonumber(string.sub(redis.sha1hex(canary[3] .. ':' .. listener), 1, 7), 16) % 10000 < canary[2] then",
            "    local row = redis.call('HGETALL', row_prefix .. canary[1])",
            "    if #row > 0 then return row end",
            "  end",
            "  return redis.call('HGETALL', row_prefix .. active)",
            "end");
}
