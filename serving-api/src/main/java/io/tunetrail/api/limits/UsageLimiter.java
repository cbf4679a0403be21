package io.tunetrail.api.limits;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.RedisOnlineStore;
import java.util.ArrayList;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Rate limit and quotas of one metered request, decided and counted by one Lua script in one Redis round trip.
 *
 * <p><b>Rate limit: GCRA</b> (the generic cell rate algorithm, a leaky bucket kept as one number). A key of
 * {@code requests_per_minute} r and {@code burst} b may send a request every T = 60 s / r on average and up to b at
 * once. The state is one theoretical arrival time per key, so each check is O(1) in time and memory, whatever the
 * rate; a sliding-window log would keep a sorted set of up to r timestamps per key (12,000 for enterprise) and a
 * sliding-window counter only approximates. GCRA also yields the three RateLimit-* header values directly.
 *
 * <p><b>Org ceiling</b>: a second GCRA state per org ({@code org_requests_per_minute}, {@code org_burst}), checked in
 * the same script after the key's: the per-key rate alone could be multiplied by minting N keys. A request passes only
 * when both admit it, and only then are both advanced.
 *
 * <p><b>Per-second cap</b> ({@code requests_per_second}, optional): a third GCRA state per key with a burst of one
 * second's worth, checked after the key's per-minute state: the per-minute bucket alone lets a key spend its whole
 * burst at once. A refusal is the same {@code rate_limited} answer, with the wait until the next request may go.
 *
 * <p><b>Quotas</b>: the day and month counters of {@code feature-store/KEYS.md}, the same keys {@code addUsage}
 * writes. The script refuses when a counter plus the request's units would pass its limit and otherwise increments
 * both; being one script, it is atomic, so N racing requests against M remaining units admit exactly min(N, M).
 * Nothing is counted for a refused request (neither rate nor quota).
 *
 * <p><b>Prefetch</b>: an admitted request may also read feature rows in the same script (see
 * {@link Gate.Prefetch}), so a route like the daily mix costs one Redis round trip in all.
 *
 * <p><b>Redis down</b> (degraded mode): when Redis cannot be reached, decisions are made in this process by
 * {@link LocalLimits} (a conservative share of the plan's rate, quotas from the usage Redis last reported) and every
 * admitted unit is kept. Requests are then decided locally without trying Redis, so none waits on a dead server, until
 * {@link #reconcile()} (called every second by the app) finds Redis answering again, adds the kept units to the day,
 * month and per-key counters, and only then sends decisions back to Redis.
 */
public final class UsageLimiter {
    // KEYS: 1 rate state, 2 day counter, 3 month counter, 4 the key's calls of the day by route, 5 the org's rate state,
    //       6 the key's per-second state.
    // ARGV: 1 now ms, 2 emission interval T ms (0 = no rate limit), 3 burst, 4 day limit (-1 = none),
    //       5 month limit (-1 = none), 6 units, 7 the route's field of this UTC hour ("@HH route"), 8 unused (a
    //       counter's expiry before they were protected), 9 route, 10 expiry of the key's day hash, 11 the org's emission interval (0 = no ceiling), 12 the org's
    //       burst, 13 the per-second emission interval (0 = no per-second cap), 14 its burst, 15.. the rows to
    //       prefetch (RedisOnlineStore.rowReadArgs).
    // Returns {outcome, remaining, retry_after_ms, reset_ms, day_used, month_used, prefetched rows (allowed only)};
    // outcome 0 allowed, 1 rate limited, 2 day quota, 3 month quota, 4 org ceiling.
    static final String SCRIPT = String.join("\n",
            RedisOnlineStore.READ_ROWS_FUNCTION,
            "local now = tonumber(ARGV[1])",
            "local t = tonumber(ARGV[2])",
            "local burst = tonumber(ARGV[3])",
            "local dayLimit = tonumber(ARGV[4])",
            "local monthLimit = tonumber(ARGV[5])",
            "local units = tonumber(ARGV[6])",
            "local remaining, resetMs, newTat, fullMs = -1, 0, 0, 0",
            "if t > 0 then",
            "  local tat = tonumber(redis.call('GET', KEYS[1]) or now)",
            "  if tat < now then tat = now end",
            "  newTat = tat + t * units",
            "  local allowAt = newTat - burst * t",
            "  if now < allowAt then",
            "    return {1, 0, math.ceil(allowAt - now), math.ceil(tat - now), 0, 0}",
            "  end",
            "  remaining = math.floor((now - allowAt) / t)",
            "  fullMs = math.ceil(tat - now)",
            "  resetMs = math.ceil(newTat - now)",
            "end",
            // The per-second cap: a second GCRA on the key whose burst is one second's worth, so a key cannot spend
            // its whole per-minute burst at once.
            "local secT = tonumber(ARGV[13])",
            "local secBurst = tonumber(ARGV[14])",
            "local newSecTat = 0",
            "if secT > 0 then",
            "  local stat = tonumber(redis.call('GET', KEYS[6]) or now)",
            "  if stat < now then stat = now end",
            "  newSecTat = stat + secT * units",
            "  local secAllowAt = newSecTat - secBurst * secT",
            "  if now < secAllowAt then",
            "    return {1, 0, math.ceil(secAllowAt - now), math.max(fullMs, math.ceil(stat - now)), 0, 0}",
            "  end",
            "  local secRemaining = math.floor((now - secAllowAt) / secT)",
            "  if remaining < 0 or secRemaining < remaining then remaining = secRemaining end",
            "end",
            "local orgT = tonumber(ARGV[11])",
            "local orgBurst = tonumber(ARGV[12])",
            "local newOrgTat = 0",
            "if orgT > 0 then",
            "  local otat = tonumber(redis.call('GET', KEYS[5]) or now)",
            "  if otat < now then otat = now end",
            "  newOrgTat = otat + orgT * units",
            "  local orgAllowAt = newOrgTat - orgBurst * orgT",
            "  if now < orgAllowAt then",
            "    return {4, 0, math.ceil(orgAllowAt - now), math.max(resetMs, math.ceil(otat - now)), 0, 0}",
            "  end",
            // What the key may send now is bounded by the org's room too; the reset is when both buckets are full.
            "  local orgRemaining = math.floor((now - orgAllowAt) / orgT)",
            "  if remaining < 0 or orgRemaining < remaining then remaining = orgRemaining end",
            "  resetMs = math.max(resetMs, math.ceil(newOrgTat - now))",
            "end",
            // Count first and take it back if it passed a limit: the admitted path (nearly every call) then needs no
            // GET of the counters, and inside one script nobody sees the counter in between. Counters and the rate state
            // get no TTL, so volatile-lru can never evict them (KeyFamily); RedisRetention removes them when done.
            "local day = redis.call('INCRBY', KEYS[2], units)",
            "if dayLimit >= 0 and day > dayLimit then",
            "  day = redis.call('DECRBY', KEYS[2], units)",
            "  return {2, remaining, 0, resetMs, day, tonumber(redis.call('GET', KEYS[3]) or '0')}",
            "end",
            "local month = redis.call('INCRBY', KEYS[3], units)",
            "if monthLimit >= 0 and month > monthLimit then",
            "  month = redis.call('DECRBY', KEYS[3], units)",
            "  day = redis.call('DECRBY', KEYS[2], units)",
            "  return {3, remaining, 0, resetMs, day, month}",
            "end",
            // A Lua number goes to Redis as its shortest exact text: no string.format needed for the stored states.
            "if t > 0 then redis.call('SET', KEYS[1], newTat) end",
            "if orgT > 0 then redis.call('SET', KEYS[5], newOrgTat) end",
            "if secT > 0 then redis.call('SET', KEYS[6], newSecTat) end",
            "if redis.call('HINCRBY', KEYS[4], ARGV[9], 1) == 1 then redis.call('PEXPIREAT', KEYS[4], ARGV[10]) end",
            // The same call by UTC hour, in the same hash (so under the same expiry): field "@HH route" (usage analytics),
            // built by the caller so the script builds no strings.
            "redis.call('HINCRBY', KEYS[4], ARGV[7], 1)",
            "return {0, remaining, 0, resetMs, day, month, read_rows(15)}");
    private static final String SHA = sha1(SCRIPT);
    /** How many days a key's per-route call counts are kept (GET /api-keys/{id}/usage reads up to this many). */
    public static final int KEY_USAGE_DAYS = 35;

    /** What the script decided. */
    public enum Outcome { ALLOWED, RATE_LIMITED, DAY_QUOTA, MONTH_QUOTA, ORG_RATE_LIMITED }

    /**
     * The decision and the figures for headers and bodies. {@code rateRemaining} is -1 when the key has no rate
     * limit; {@code limit} is the quota that refused (or -1). {@code prefetched} holds the rows asked for (absent
     * rows left out), or is null when none were asked for or the request was refused.
     */
    public record Decision(Outcome outcome, Integer rateLimit, long rateRemaining, long retryAfterMs, long resetMs,
            long dayUsed, long monthUsed, long limit, Map<FeatureView, FeatureRow> prefetched) {
        public boolean allowed() {
            return outcome == Outcome.ALLOWED;
        }
    }

    // Adds the units and calls counted in this process while Redis was down, once per batch id.
    // KEYS: 1 the batch marker, 2.. counters. ARGV: 1 marker expiry ms, then per counter: kind ('i' INCRBY, 'h' HINCRBY),
    // hash field, amount, expiry (epoch ms). Returns 1 when added, 0 when the batch was added before.
    static final String RECONCILE = String.join("\n",
            "if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end",
            "local j = 2",
            "for k = 2, #KEYS do",
            "  if ARGV[j] == 'h' then redis.call('HINCRBY', KEYS[k], ARGV[j + 1], ARGV[j + 2])",
            "  else redis.call('INCRBY', KEYS[k], ARGV[j + 2]) end",
            "  redis.call('PEXPIREAT', KEYS[k], ARGV[j + 3])",
            "  j = j + 4",
            "end",
            "return 1");
    private static final long RECONCILED_MARKER_MS = java.time.Duration.ofDays(2).toMillis();
    private static final Logger LOG = LoggerFactory.getLogger(UsageLimiter.class);

    private final JedisPooled jedis;
    private final String where;
    private final LocalLimits local = new LocalLimits();
    /** Set when a Redis call failed; cleared by {@link #reconcile()} once Redis answers and the local counts are in. */
    private volatile boolean redisDown;
    /** Batches drained from {@link #local} whose addition to Redis has not been confirmed yet, by org. */
    private final Map<String, OrgBatch> unreconciled = new java.util.HashMap<>();
    private final LongAdder degradedDecisions = new LongAdder();
    private final AtomicLong reconciledUnits = new AtomicLong();

    /** The counts of one org to add to Redis under one batch id (retried with the same id until confirmed). */
    private record OrgBatch(String batchId, List<String> keys, List<String> args, long units) {}

    public UsageLimiter(JedisPooled jedis, String where) {
        this.jedis = jedis;
        this.where = where;
    }

    /**
     * Checks and counts {@code units} of {@code resource} for one request of key {@code keyId}. {@code unlimitedQuotas}
     * (community edition) counts usage but never refuses it. {@code prefetchEntity} and {@code prefetchViews} (null or
     * empty: none) name rows to read if the request is admitted.
     */
    public Decision check(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, Instant now,
            boolean unlimitedQuotas, String route, String prefetchEntity, List<FeatureView> prefetchViews) {
        return check(orgId, keyId, plan, resource, units, now, unlimitedQuotas, route, prefetchEntity, prefetchViews, true);
    }

    /**
     * Counts {@code units} of {@code resource} against the day and month quotas only, for work the API does on its own
     * behalf after admitting a request (the files of a batch job): the request was rate-limited when it came, and its
     * files must not spend the key's request rate as they are worked through.
     */
    public Decision checkQuota(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, Instant now,
            boolean unlimitedQuotas, String route) {
        return check(orgId, keyId, plan, resource, units, now, unlimitedQuotas, route, null, null, false);
    }

    /** What {@link #checkQuota} applies in place of the plan's rate limit. */
    private static final PlanCatalog.RateLimit NO_RATE_LIMIT = new PlanCatalog.RateLimit(null, null);

    /**
     * What one key's checks of one route on one UTC day share: the script's keys and every argument but the time, built
     * once rather than per request (they were a third of the limit check's profile samples). At most
     * {@link #MAX_SHAPES}, and only today's: the cache is emptied when the day changes or it is full.
     */
    private record Shape(PlanCatalog.Plan plan, List<String> keys, String[] args, String[] hourFields, Integer burst, long dayLimit,
            long monthLimit) {}

    private record ShapeKey(String orgId, String keyId, String resource, long units, String route, boolean unlimitedQuotas, boolean rated,
            long epochDay) {}

    private static final int MAX_SHAPES = 10_000;
    private final Map<ShapeKey, Shape> shapes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long shapesDay;

    private Shape shape(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, boolean unlimitedQuotas, String route,
            boolean rated, long epochDay) {
        if (epochDay != shapesDay || shapes.size() >= MAX_SHAPES) {
            shapes.clear();
            shapesDay = epochDay;
        }
        ShapeKey id = new ShapeKey(orgId, keyId, resource, units, route, unlimitedQuotas, rated, epochDay);
        Shape shape = shapes.get(id);
        // The same plan object or none: an org whose plan changed gets the new plan's limits at once.
        if (shape == null || shape.plan() != plan) {
            shape = newShape(orgId, keyId, plan, resource, units, unlimitedQuotas, route, rated, LocalDate.ofEpochDay(epochDay));
            shapes.put(id, shape);
        }
        return shape;
    }

    private static Shape newShape(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, boolean unlimitedQuotas,
            String route, boolean rated, LocalDate day) {
        PlanCatalog.RateLimit rate = rated ? plan.rateLimit() : NO_RATE_LIMIT;
        PlanCatalog.Limit limit = plan.limit(resource);
        long dayLimit = unlimitedQuotas || limit.perDay() == null ? -1 : limit.perDay();
        long monthLimit = unlimitedQuotas || limit.perMonth() == null ? -1 : limit.perMonth();
        double interval = rate.isUnlimited() ? 0 : 60_000.0 / rate.requestsPerMinute();
        int burst = rate.isUnlimited() ? 0 : (rate.burst() == null ? 1 : Math.max(1, rate.burst()));
        double orgInterval = rate.isUnlimited() ? 0 : 60_000.0 / rate.orgRequestsPerMinute();
        int orgBurst = rate.isUnlimited() ? 0 : (rate.orgBurst() == null ? 1 : Math.max(1, rate.orgBurst()));
        Integer perSecond = rate.isUnlimited() ? null : rate.requestsPerSecond();
        double secondInterval = perSecond == null ? 0 : 1_000.0 / perSecond;
        List<String> keys = List.of(RedisKeys.rateLimit(orgId, keyId), RedisKeys.usageDay(orgId, resource, day),
                RedisKeys.usageMonth(orgId, resource, YearMonth.from(day)), RedisKeys.keyUsageDay(orgId, keyId, day), RedisKeys.orgRateLimit(orgId),
                RedisKeys.rateLimitPerSecond(orgId, keyId));
        long keyUsageExpires = day.plusDays(1 + KEY_USAGE_DAYS).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        // ARGV 2..14; ARGV 1 (now) and 7 (the hour's field) are set per request.
        String[] args = {null, Double.toString(interval), Integer.toString(burst), Long.toString(dayLimit), Long.toString(monthLimit),
                Long.toString(units), null, "0", route, Long.toString(keyUsageExpires), Double.toString(orgInterval), Integer.toString(orgBurst),
                Double.toString(secondInterval), Integer.toString(perSecond == null ? 0 : perSecond)};
        return new Shape(plan, keys, args, new String[24], rate.isUnlimited() ? null : burst, dayLimit, monthLimit);
    }

    private Decision check(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, Instant now,
            boolean unlimitedQuotas, String route, String prefetchEntity, List<FeatureView> prefetchViews, boolean rated) {
        long nowMs = now.toEpochMilli();
        Shape shape = shape(orgId, keyId, plan, resource, units, unlimitedQuotas, route, rated, Math.floorDiv(nowMs, 86_400_000L));
        long dayLimit = shape.dayLimit();
        long monthLimit = shape.monthLimit();
        List<String> keys = shape.keys();
        int hour = (int) (Math.floorDiv(nowMs, 3_600_000L) % 24);
        String hourField = shape.hourFields()[hour];
        if (hourField == null) {
            hourField = hourField(now, route);
            shape.hourFields()[hour] = hourField;
        }
        boolean prefetch = prefetchEntity != null && prefetchViews != null && !prefetchViews.isEmpty();
        List<String> args = new ArrayList<>(14 + (prefetch ? prefetchViews.size() * 5 : 0));
        String[] shared = shape.args();
        args.add(Long.toString(nowMs));
        for (int i = 1; i < shared.length; i++) {
            args.add(i == 6 ? hourField : shared[i]);
        }
        if (prefetch) {
            args.addAll(RedisOnlineStore.rowReadArgs(orgId, prefetchEntity, prefetchViews));
        }
        if (redisDown) {
            return decideLocally(orgId, keyId, plan, resource, units, now, unlimitedQuotas, route);
        }
        List<?> out;
        try {
            try {
                out = (List<?>) jedis.evalsha(SHA, keys, args);
            } catch (JedisNoScriptException e) {
                out = (List<?>) jedis.eval(SCRIPT, keys, args);
            }
        } catch (JedisDataException e) {
            throw StoreException.unavailable("Redis", where, e);
        } catch (JedisException e) {
            markDown(e);
            return decideLocally(orgId, keyId, plan, resource, units, now, unlimitedQuotas, route);
        }
        Outcome outcome = Outcome.values()[(int) (long) (Long) out.get(0)];
        long refusedLimit = switch (outcome) {
            case DAY_QUOTA -> dayLimit;
            case MONTH_QUOTA -> monthLimit;
            default -> -1;
        };
        if (outcome != Outcome.RATE_LIMITED) {
            local.remember(orgId, resource, now, (Long) out.get(4), (Long) out.get(5));
        }
        Map<FeatureView, FeatureRow> rows = prefetch && outcome == Outcome.ALLOWED && out.size() > 6
                ? RedisOnlineStore.decodeRowReads(prefetchEntity, prefetchViews, (List<?>) out.get(6))
                : null;
        return new Decision(outcome, shape.burst(), (Long) out.get(1), (Long) out.get(2), (Long) out.get(3),
                (Long) out.get(4), (Long) out.get(5), refusedLimit, rows);
    }

    /** The field of the key's day hash that counts {@code route}'s calls in the UTC hour of {@code now}: "@HH route". */
    static String hourField(Instant now, String route) {
        long hour = Math.floorDiv(now.toEpochMilli(), 3_600_000L) % 24;
        return (hour < 10 ? "@0" : "@") + hour + ' ' + route;
    }

    /**
     * Gives back {@code units} of {@code resource} counted at {@code countedAt} by {@link #check} for work that was then
     * refused (an upload the analyser could not read): the day and month counters go down, never below zero. The rate
     * limit is not given back: the request was made.
     */
    public void refund(String orgId, String resource, long units, Instant countedAt) {
        LocalDate day = LocalDate.ofInstant(countedAt, ZoneOffset.UTC);
        List<String> keys = List.of(RedisKeys.usageDay(orgId, resource, day), RedisKeys.usageMonth(orgId, resource, YearMonth.from(day)));
        try {
            jedis.eval(REFUND, keys, List.of(Long.toString(units)));
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    // A counter that expired in between (a refund after midnight of the period's end + keep) is not recreated.
    private static final String REFUND = String.join("\n",
            "for i = 1, 2 do",
            "  local v = tonumber(redis.call('GET', KEYS[i]) or '0')",
            "  if v > 0 then redis.call('DECRBY', KEYS[i], math.min(v, tonumber(ARGV[1]))) end",
            "end",
            "return 0");

    /** A key's rate-limit state without counting a request: the figures of the RateLimit-* headers. */
    public record RateState(int limit, long remaining, long resetMs) {}

    /**
     * The key's rate-limit state as of {@code now}, for responses that count nothing (unmetered routes, refusals
     * before the limit check); null when the plan has no rate limit. One Redis GET.
     */
    public RateState peek(String orgId, String keyId, PlanCatalog.Plan plan, Instant now) {
        PlanCatalog.RateLimit rate = plan.rateLimit();
        if (rate.isUnlimited()) {
            return null;
        }
        double t = 60_000.0 / rate.requestsPerMinute();
        int burst = rate.burst() == null ? 1 : Math.max(1, rate.burst());
        if (redisDown) {
            return local.peek(orgId, keyId, plan, now);
        }
        String stored;
        try {
            stored = jedis.get(RedisKeys.rateLimit(orgId, keyId));
        } catch (JedisDataException e) {
            throw StoreException.unavailable("Redis", where, e);
        } catch (JedisException e) {
            markDown(e);
            return local.peek(orgId, keyId, plan, now);
        }
        long nowMs = now.toEpochMilli();
        // The same arithmetic as the script: the bucket is full again at the theoretical arrival time (tat), and a
        // request may go now while tat - now leaves room for one more emission interval within the burst.
        double tat = Math.max(nowMs, stored == null ? nowMs : Double.parseDouble(stored));
        long remaining = (long) Math.floor((nowMs - (tat - burst * t)) / t);
        return new RateState(burst, Math.max(0, Math.min(burst, remaining)), (long) Math.ceil(tat - nowMs));
    }

    private Decision decideLocally(String orgId, String keyId, PlanCatalog.Plan plan, String resource, long units, Instant now,
            boolean unlimitedQuotas, String route) {
        degradedDecisions.increment();
        return local.check(orgId, keyId, plan, resource, units, now, unlimitedQuotas, route);
    }

    private void markDown(JedisException e) {
        if (!redisDown) {
            redisDown = true;
            LOG.warn("Redis at {} cannot be used ({}): limits are decided in this process (degraded mode) until it answers again",
                    where, e.getMessage());
        }
    }

    /**
     * While Redis is down or counts made here are not yet in Redis: checks whether Redis answers and, if it does, adds
     * those counts to its day, month and per-key counters, and from then on decides in Redis again. Each org's counts
     * go in one script under a batch id, so a batch whose reply was lost is not added twice when retried. Returns the
     * units added by this call. Called every second by the app; cheap when there is nothing to do.
     */
    public synchronized long reconcile() {
        if (!redisDown && unreconciled.isEmpty() && !local.hasPending()) {
            return 0;
        }
        try {
            jedis.ping();
        } catch (JedisException e) {
            return 0;
        }
        batch(local.drain());
        long added = 0;
        for (var it = unreconciled.values().iterator(); it.hasNext(); ) {
            OrgBatch b = it.next();
            try {
                jedis.eval(RECONCILE, b.keys(), b.args());
            } catch (JedisException e) {
                LOG.warn("could not add usage counted during the Redis outage yet ({}); retrying", e.getMessage());
                return added;
            }
            it.remove();
            added += b.units();
        }
        reconciledUnits.addAndGet(added);
        if (redisDown) {
            // Requests that saw redisDown just before this may still count locally: the next call adds those.
            redisDown = false;
            LOG.info("Redis at {} answers again: {} units counted in degraded mode added to its counters", where, reconciledUnits.get());
        }
        return added;
    }

    private void batch(LocalLimits.Pending pending) {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, List<String>> keys = new java.util.HashMap<>();
        Map<String, List<String>> args = new java.util.HashMap<>();
        Map<String, Long> units = new java.util.HashMap<>();
        long keep = FeatureViews.ORG_USAGE.ttl().toMillis();
        Map<String, Long> months = new java.util.HashMap<>();
        pending.units().forEach((k, n) -> {
            add(keys, args, k.orgId(), RedisKeys.usageDay(k.orgId(), k.resource(), k.day()), "i", "", n,
                    k.day().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() + keep);
            months.merge(k.orgId() + '|' + k.resource() + '|' + YearMonth.from(k.day()), n, Long::sum);
            units.merge(k.orgId(), n, Long::sum);
        });
        months.forEach((k, n) -> {
            String[] p = k.split("\\|");
            YearMonth month = YearMonth.parse(p[2]);
            add(keys, args, p[0], RedisKeys.usageMonth(p[0], p[1], month), "i", "", n,
                    month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() + keep);
        });
        pending.calls().forEach((k, n) -> add(keys, args, k.orgId(), RedisKeys.keyUsageDay(k.orgId(), k.keyId(), k.day()), "h", k.route(), n,
                k.day().plusDays(1 + KEY_USAGE_DAYS).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()));
        for (String org : keys.keySet()) {
            String batchId = java.util.UUID.randomUUID().toString();
            List<String> k = new ArrayList<>();
            k.add(RedisKeys.reconciledBatch(org, batchId));
            k.addAll(keys.get(org));
            List<String> a = new ArrayList<>();
            a.add(Long.toString(RECONCILED_MARKER_MS));
            a.addAll(args.get(org));
            OrgBatch previous = unreconciled.get(org);
            // An earlier batch of the org still waiting keeps its id; the new counts go in a batch of their own.
            unreconciled.put(previous == null ? org : org + '#' + batchId, new OrgBatch(batchId, k, a, units.getOrDefault(org, 0L)));
        }
    }

    private static void add(Map<String, List<String>> keys, Map<String, List<String>> args, String org, String key, String kind,
            String field, long amount, long expiresAt) {
        keys.computeIfAbsent(org, o -> new ArrayList<>()).add(key);
        args.computeIfAbsent(org, o -> new ArrayList<>()).addAll(List.of(kind, field, Long.toString(amount), Long.toString(expiresAt)));
    }

    /** True while limits are decided in this process because Redis could not be reached. */
    public boolean degraded() {
        return redisDown;
    }

    /** Requests whose limits were decided in this process (Redis down) since the start: a metric. */
    public long degradedDecisions() {
        return degradedDecisions.sum();
    }

    /** Units counted in this process during Redis outages and added to the Redis counters since: a metric. */
    public long reconciledUnits() {
        return reconciledUnits.get();
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
