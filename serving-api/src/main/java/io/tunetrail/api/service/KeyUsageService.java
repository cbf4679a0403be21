package io.tunetrail.api.service;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.store.Sql;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.RedisKeys;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Usage of one API key per day: calls per route (counted by the limit script as each call is admitted, kept
 * {@value UsageLimiter#KEY_USAGE_DAYS} days) and billed units per resource (the {@code usage_ledger}, which the
 * streaming usage job fills from the API's usage events).
 */
public final class KeyUsageService {
    public record Day(LocalDate day, long calls, Map<String, Long> byRoute) {}

    public record Billed(LocalDate day, String resource, long units) {}

    public record KeyUsage(String keyId, int days, List<Day> byDay, List<Billed> ledger) {}

    /** How the service checks the key is the caller's (404 otherwise). */
    public interface KeyOwnership {
        void requireKey(Principal p, String keyId);
    }

    private final Sql sql;
    private final JedisPooled jedis;
    private final KeyOwnership keys;
    private final Clock clock;

    public KeyUsageService(Sql sql, JedisPooled jedis, KeyOwnership keys, Clock clock) {
        this.sql = sql;
        this.jedis = jedis;
        this.keys = keys;
        this.clock = clock;
    }

    public KeyUsage usage(Principal p, String keyId, int days) {
        keys.requireKey(p, Check.id("key_id", keyId));
        int n = Math.min(days, UsageLimiter.KEY_USAGE_DAYS);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Response<Map<String, String>>> hashes = new ArrayList<>();
        try (Pipeline pipe = jedis.pipelined()) {
            for (int i = 0; i < n; i++) {
                hashes.add(pipe.hgetAll(RedisKeys.keyUsageDay(p.orgId(), keyId, today.minusDays(i))));
            }
            pipe.sync();
        } catch (JedisException e) {
            throw StoreException.unavailable("Redis", "key usage counters", e);
        }
        List<Day> byDay = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Long> routes = new TreeMap<>();
            hashes.get(i).get().forEach((route, count) -> {
                if (!UsageAnalyticsService.isHourField(route)) {
                    routes.put(route, Long.parseLong(count));
                }
            });
            if (!routes.isEmpty()) {
                byDay.add(new Day(today.minusDays(i), routes.values().stream().mapToLong(Long::longValue).sum(), routes));
            }
        }
        List<Billed> ledger = sql.list("reading key usage", "SELECT period_start, resource, units FROM usage_ledger WHERE org_id = ? "
                + "AND api_key_id = ? AND period = 'day' AND period_start > ?::date - ? ORDER BY period_start DESC, resource", ps -> {
                    ps.setString(1, p.orgId());
                    ps.setString(2, keyId);
                    ps.setObject(3, today);
                    ps.setInt(4, days);
                }, rs -> new Billed(rs.getDate(1).toLocalDate(), rs.getString(2), rs.getLong(3)));
        return new KeyUsage(keyId, days, byDay, ledger);
    }
}
