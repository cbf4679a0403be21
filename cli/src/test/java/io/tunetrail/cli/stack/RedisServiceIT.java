package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.KeyFamily;
import io.tunetrail.store.online.RedisKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.SetParams;

/**
 * The stack's Redis as {@link RedisService} configures it, on a private server (temp home, free port; the shared
 * stack's Redis is never touched): memory bounded, only keys with a TTL evicted, writes logged to an AOF, and a
 * snapshot from before AOF kept when AOF is switched on.
 */
class RedisServiceIT {
    @TempDir
    Path home;

    private RedisService redis;

    private RedisService service(String maxmemory) throws Exception {
        PlatformConfig base = StackTestSupport.config(home);
        Map<String, String> overrides = new HashMap<>(base.asMap());
        overrides.put(PlatformConfig.REDIS_MAXMEMORY.name(), maxmemory);
        redis = new RedisService(StackLayout.of(PlatformConfig.load(Map.of(), overrides)), line -> {});
        return redis;
    }

    private Jedis client() {
        return new Jedis(redis.endpoint().host(), redis.endpoint().port(), 5_000);
    }

    @AfterEach
    void stop() throws Exception {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void theServerRunsWithBoundedMemoryVolatileLruAndAnAppendOnlyFileSyncedEverySecond() throws Exception {
        service("64mb").start(Duration.ofSeconds(30));
        try (Jedis j = client()) {
            assertThat(j.configGet("maxmemory")).containsEntry("maxmemory", String.valueOf(64L * 1024 * 1024));
            assertThat(j.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "volatile-lru");
            assertThat(j.configGet("appendonly")).containsEntry("appendonly", "yes");
            assertThat(j.configGet("appendfsync")).containsEntry("appendfsync", "everysec");
        }
        assertThat(Files.isDirectory(redis.aofDir())).isTrue();
    }

    @Test
    void underMemoryPressureOnlyEvictableKeysGoAndQuotaLimiterAndLedgerKeysStay() throws Exception {
        service("3mb").start(Duration.ofSeconds(30));
        String org = "evict-test";
        LocalDate day = LocalDate.of(2099, 1, 2);
        List<String> protectedKeys = List.of(RedisKeys.usageDay(org, "api_calls", day), RedisKeys.usageMonth(org, "api_calls",
                java.time.YearMonth.from(day)), RedisKeys.ledgerDay(org, "api_calls", day), RedisKeys.rateLimit(org, "key-1"));
        try (Jedis j = client()) {
            for (String key : protectedKeys) {
                assertThat(KeyFamily.of(key)).hasValueSatisfying(f -> assertThat(f.evictable()).isFalse());
                j.set(key, "41");
            }
            String filler = "x".repeat(1024);
            for (int i = 0; i < 6_000; i++) {
                String seen = RedisKeys.interactionSeen(org, "event-" + i);
                assertThat(KeyFamily.of(seen)).hasValue(KeyFamily.SEEN);
                j.set(seen, filler, SetParams.setParams().px(Duration.ofDays(7).toMillis()));
            }
            String stats = new String((byte[]) j.sendCommand(Protocol.Command.INFO, "stats"),
                    java.nio.charset.StandardCharsets.UTF_8);
            long evicted = Long.parseLong(stats.lines().filter(l -> l.startsWith("evicted_keys:")).findFirst().orElseThrow().substring(13).strip());
            assertThat(evicted).as("6 MB of idempotency marks in 3 MB").isPositive();
            for (String key : protectedKeys) {
                assertThat(j.get(key)).as(key).isEqualTo("41");
            }
        }
    }

    @Test
    void aSnapshotFromBeforeAofSurvivesSwitchingAofOn() throws Exception {
        service("64mb").start(Duration.ofSeconds(30));
        try (Jedis j = client()) {
            // The state of a stack from before this change: AOF off, the data only in the snapshot.
            j.configSet("appendonly", "no");
            j.set("tt:{old-org}:usage:api_calls:m:209901", "1234");
            j.save();
        }
        redis.stop();
        deleteTree(redis.aofDir());

        redis.start(Duration.ofSeconds(30));
        try (Jedis j = client()) {
            assertThat(j.get("tt:{old-org}:usage:api_calls:m:209901")).isEqualTo("1234");
            assertThat(j.configGet("appendonly")).containsEntry("appendonly", "yes");
        }
        redis.stop();
        // The next start reads the AOF written from that snapshot.
        assertThat(Files.isDirectory(redis.aofDir())).isTrue();
        redis.start(Duration.ofSeconds(30));
        try (Jedis j = client()) {
            assertThat(Optional.ofNullable(j.get("tt:{old-org}:usage:api_calls:m:209901"))).hasValue("1234");
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
