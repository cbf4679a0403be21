package io.tunetrail.store.online;

import io.tunetrail.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Removes the protected keys ({@link KeyFamily#evictable()} false) that have served their purpose. They carry no TTL
 * so that {@code volatile-lru} can never evict them, which leaves their removal to this: usage counters two days after
 * their period ended (as their TTL used to), ledger totals {@link RedisOnlineStore#LEDGER_RETENTION} after, and a rate
 * limit state once its bucket is full again (its theoretical arrival time has passed: absent and full mean the same
 * to the limiter). The API runs it hourly; any instance may, at any time: it deletes only what no reader needs.
 */
public final class RedisRetention {
    /** How long a usage counter outlives its period (the quota path reads only the current day and month). */
    public static final Duration USAGE_RETENTION = FeatureViews.ORG_USAGE.ttl();

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");
    // Deletes the rate state only if it is still in the past when Redis runs this: a request admitted since then has
    // moved it forward, and then it stays.
    private static final String DELETE_IF_PAST = "local v = redis.call('GET', KEYS[1]) "
            + "if v and tonumber(v) < tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end return 0";

    /** What one run removed, by family. */
    public record Pruned(long usage, long ledger, long rateLimit) {}

    private final JedisPooled jedis;
    private final String where;
    private final String orgGlob;

    /** Retention over every org's keys. */
    public RedisRetention(JedisPooled jedis, String where) {
        this(jedis, where, "*");
    }

    /** Retention over the keys of the orgs matching {@code orgGlob} (one org id: tests on a shared Redis). */
    public RedisRetention(JedisPooled jedis, String where, String orgGlob) {
        this.jedis = jedis;
        this.where = where;
        this.orgGlob = orgGlob;
    }

    public Pruned prune(Instant now) {
        try {
            long usage = prunePeriods(RedisKeys.PREFIX + "{" + orgGlob + "}:usage:*", USAGE_RETENTION, now);
            long ledger = prunePeriods(RedisKeys.PREFIX + "{" + orgGlob + "}:ledger:*", RedisOnlineStore.LEDGER_RETENTION, now);
            long rate = 0;
            // Keys' states (ratelimit:KEY, per-second ratelimit_s:KEY) and the org's ceiling (ratelimit): one rule for all.
            for (String key : scan(RedisKeys.PREFIX + "{" + orgGlob + "}:ratelimit*")) {
                Object deleted = jedis.eval(DELETE_IF_PAST, List.of(key), List.of(Long.toString(now.toEpochMilli())));
                rate += deleted instanceof Long n ? n : 0;
            }
            return new Pruned(usage, ledger, rate);
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", where, e);
        }
    }

    private long prunePeriods(String pattern, Duration retention, Instant now) {
        long removed = 0;
        for (String key : scan(pattern)) {
            Instant end = periodEnd(key);
            if (end != null && !end.plus(retention).isAfter(now) && KeyFamily.of(key).filter(f -> !f.evictable()).isPresent()) {
                removed += jedis.unlink(key);
            }
        }
        return removed;
    }

    /** The end of the UTC day ({@code :d:yyyyMMdd}) or month ({@code :m:yyyyMM}) a counter key counts, or null. */
    static Instant periodEnd(String key) {
        int at = key.lastIndexOf(':');
        if (at < 2 || key.charAt(at - 2) != ':') {
            return null;
        }
        String period = key.substring(at + 1);
        try {
            return switch (key.charAt(at - 1)) {
                case 'd' -> LocalDate.parse(period, DAY).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                case 'm' -> YearMonth.parse(period, MONTH).plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                default -> null;
            };
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
