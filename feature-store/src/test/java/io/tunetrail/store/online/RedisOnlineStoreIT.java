package io.tunetrail.store.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.store.StoreException;
import io.tunetrail.store.testing.RedisNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;

class RedisOnlineStoreIT {
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    private static RedisOnlineStore store;

    @BeforeAll
    static void open() {
        store = RedisOnlineStore.connect(REDIS.config());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void sessionFeaturesRoundTripWithTheirTtl() {
        String org = REDIS.newOrgId("sessions");
        List<FeatureRow> rows = IntStream.range(0, 1_200).mapToObj(i -> sessionRow("u" + i, i)).toList();
        assertThat(store.writeBatch(org, FeatureViews.USER_SESSIONS, null, rows)).isEqualTo(1_200);

        List<String> ids = List.of("u0", "u7", "nobody", "u1199");
        Map<String, FeatureRow> read = store.read(org, FeatureViews.USER_SESSIONS, ids);
        assertThat(read.keySet()).containsExactly("u0", "u7", "u1199");
        assertThat(read.get("u7")).isEqualTo(rows.get(7));
        assertThat(read.get("u1199").getIds("recent_tracks")).containsExactly("t:1199", "t:1", "t/2");

        long ttl = REDIS.jedis().pttl(RedisKeys.row(org, FeatureViews.USER_SESSIONS, "u7"));
        assertThat(ttl).isBetween(Duration.ofDays(7).minusMinutes(1).toMillis(), Duration.ofDays(7).toMillis());
    }

    @Test
    void aMultiKeyReadIsOneRoundTrip() {
        String org = REDIS.newOrgId("roundtrip");
        List<FeatureRow> rows = IntStream.range(0, 50).mapToObj(i -> sessionRow("u" + i, i)).toList();
        store.writeBatch(org, FeatureViews.USER_SESSIONS, null, rows);
        store.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, "v1", IntStream.range(0, 50).mapToObj(i -> recs("u" + i, "v1")).toList());
        store.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "v1");
        List<String> ids = IntStream.range(0, 50).mapToObj(i -> "u" + i).toList();
        store.read(org, FeatureViews.USER_RECOMMENDATIONS, ids); // loads the script, so the next read is the steady state

        // The server counts socket reads; INFO itself is one, so a one-round-trip read adds 2. The counter is
        // server-wide: another client of a shared stack can only add to it, so the fewest over a few tries counts.
        assertThat(fewestReads(() -> assertThat(store.read(org, FeatureViews.USER_SESSIONS, ids)).hasSize(50)))
                .as("socket reads for a pipelined read of 50 rows (+1 for INFO)").isEqualTo(2);
        assertThat(fewestReads(() -> assertThat(store.read(org, FeatureViews.USER_RECOMMENDATIONS, ids)).hasSize(50)))
                .as("socket reads for a versioned read of 50 rows (+1 for INFO)").isEqualTo(2);
        assertThat(fewestReads(() -> assertThat(store.usage(org, List.of("api_calls", "audio_analysis", "model_training"),
                Instant.now())).hasSize(3)))
                .as("socket reads for the usage of 3 resources (+1 for INFO)").isEqualTo(2);
    }

    @Test
    void oneEntitysRowsOfSeveralViewsComeInOneRoundTripFromTheActiveVersion() {
        String org = REDIS.newOrgId("views");
        FeatureRow session = sessionRow("u1", 1);
        store.writeBatch(org, FeatureViews.USER_SESSIONS, null, List.of(session));
        store.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, "v1", List.of(recs("u1", "v1")));
        store.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, "v2", List.of(recs("u1", "v2")));
        List<FeatureView> views = List.of(FeatureViews.USER_RECOMMENDATIONS, FeatureViews.USER_SESSIONS);
        assertThat(store.readViews(org, "u1", views)).as("no active version yet").containsOnlyKeys(FeatureViews.USER_SESSIONS);
        store.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "v1");
        Map<FeatureView, FeatureRow> read = store.readViews(org, "u1", views);
        assertThat(read.get(FeatureViews.USER_SESSIONS)).isEqualTo(session);
        assertThat(read.get(FeatureViews.USER_RECOMMENDATIONS)).isEqualTo(recs("u1", "v1"));
        store.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "v2");
        assertThat(store.readViews(org, "u1", views).get(FeatureViews.USER_RECOMMENDATIONS).getString("model_version")).isEqualTo("v2");
        assertThat(store.readViews(org, "nobody", views)).isEmpty();
        // More tries than the reads above: on a busy shared Redis other clients' reads land in the window too.
        assertThat(fewestReads(() -> assertThat(store.readViews(org, "u1", views)).hasSize(2), 20))
                .as("socket reads for two views of one listener (+1 for INFO)").isEqualTo(2);
    }

    private static long fewestReads(Runnable read) {
        return fewestReads(read, 3);
    }

    private static long fewestReads(Runnable read, int attempts) {
        long fewest = Long.MAX_VALUE;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long before = readsProcessed();
            read.run();
            fewest = Math.min(fewest, readsProcessed() - before);
        }
        return fewest;
    }

    @Test
    void aRetiredVersionIsDeletedWithoutTouchingItsNeighbours() {
        String org = REDIS.newOrgId("retention");
        String other = REDIS.newOrgId("retention-other");
        FeatureView view = FeatureViews.USER_RECOMMENDATIONS;
        // Ids with ':' and versions that end like each other: "1.0", "11.0", "global-1.0".
        for (String v : List.of("1.0", "11.0", "global-1.0")) {
            store.writeBatch(org, view, v, List.of(recs("u:1", v), recs("u2", v)));
        }
        store.writeBatch(other, view, "1.0", List.of(recs("u:1", "1.0")));
        store.activateVersion(org, view, "11.0");
        store.activateVersion(other, view, "1.0");

        assertThat(store.deleteVersion(org, view, "1.0")).isEqualTo(2);

        assertThat(REDIS.jedis().exists(RedisKeys.versionedRow(org, view, "u:1", "1.0"))).isFalse();
        assertThat(REDIS.jedis().exists(RedisKeys.versionedRow(org, view, "u:1", "11.0"))).isTrue();
        assertThat(REDIS.jedis().exists(RedisKeys.versionedRow(org, view, "u2", "global-1.0"))).isTrue();
        assertThat(store.read(other, view, List.of("u:1"))).containsKey("u:1");
        assertThat(store.read(org, view, List.of("u:1", "u2"))).hasSize(2);
        assertThatThrownBy(() -> store.deleteVersion(org, view, "11.0")).hasMessageContaining("serves");
    }

    @Test
    void aNewModelVersionBecomesVisibleAtOnce() {
        String org = REDIS.newOrgId("versions");
        FeatureView view = FeatureViews.USER_RECOMMENDATIONS;
        assertThat(store.read(org, view, List.of("u1"))).as("no active version yet").isEmpty();

        store.writeBatch(org, view, "v1", List.of(recs("u1", "v1"), recs("u2", "v1")));
        assertThat(store.read(org, view, List.of("u1"))).as("written but not active").isEmpty();
        assertThat(store.activateVersion(org, view, "v1")).isEmpty();
        assertThat(store.read(org, view, List.of("u1", "u2"))).hasSize(2)
                .allSatisfy((id, row) -> assertThat(row.getString("model_version")).isEqualTo("v1"));

        store.writeBatch(org, view, "v2", List.of(recs("u1", "v2"), recs("u3", "v2")));
        assertThat(store.read(org, view, List.of("u1")).get("u1").getString("model_version")).as("v2 not active yet").isEqualTo("v1");
        assertThat(store.activateVersion(org, view, "v2")).contains("v1");
        assertThat(store.activeVersion(org, view)).contains("v2");
        Map<String, FeatureRow> after = store.read(org, view, List.of("u1", "u2", "u3"));
        assertThat(after.keySet()).as("u2 has no row in v2").containsExactly("u1", "u3");
        assertThat(after.values()).allSatisfy(r -> assertThat(r.getString("model_version")).isEqualTo("v2"));
        assertThat(after.get("u3")).isEqualTo(recs("u3", "v2"));

        // Rollback is the same one command while the old rows live.
        assertThat(store.activateVersion(org, view, "v1")).contains("v2");
        assertThat(store.read(org, view, List.of("u2"))).containsKey("u2");
        assertThat(REDIS.jedis().pttl(RedisKeys.versionedRow(org, view, "u1", "v2"))).isPositive();
        assertThat(REDIS.jedis().pttl(RedisKeys.activeVersion(org, view))).as("the pointer never expires").isEqualTo(-1);
    }

    /** Readers racing a switch see whole versions: every read is all v1 or all v2, never a mix. */
    @Test
    void readersNeverSeeAHalfSwitchedVersion() throws Exception {
        String org = REDIS.newOrgId("race");
        FeatureView view = FeatureViews.SIMILAR_TRACKS;
        List<String> ids = IntStream.range(0, 100).mapToObj(i -> "t:" + i).toList();
        for (String v : List.of("a", "b")) {
            store.writeBatch(org, view, v, ids.stream().map(id -> similar(id, v)).toList());
        }
        store.activateVersion(org, view, "a");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Integer> flipper = pool.submit(() -> {
                int flips = 0;
                while (!stop.get()) {
                    store.activateVersion(org, view, flips++ % 2 == 0 ? "b" : "a");
                }
                return flips;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    for (; reads < 300; reads++) {
                        Map<String, FeatureRow> rows = store.read(org, view, ids);
                        assertThat(rows).hasSize(100);
                        assertThat(rows.values().stream().map(row -> row.getString("model_version")).distinct()).hasSize(1);
                    }
                    return reads;
                }));
            }
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(300);
            }
            stop.set(true);
            assertThat(flipper.get(10, TimeUnit.SECONDS)).isPositive();
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void usageCountersAddUpPerDayAndMonthAndAreRemovedByRetentionNotEviction() {
        String org = REDIS.newOrgId("usage");
        Instant nov2 = Instant.parse("2099-11-02T23:59:59Z");
        Instant nov3 = Instant.parse("2099-11-03T00:00:01Z");
        assertThat(store.addUsage(org, "api_calls", 5, nov2)).isEqualTo(new UsageCount("api_calls", 5, 5));
        assertThat(store.addUsage(org, "api_calls", 2, nov2)).isEqualTo(new UsageCount("api_calls", 7, 7));
        assertThat(store.addUsage(org, "api_calls", 1, nov3)).isEqualTo(new UsageCount("api_calls", 1, 8));
        store.addUsage(org, "audio_analysis", 3, nov3);

        Map<String, UsageCount> usage = store.usage(org, List.of("api_calls", "audio_analysis", "model_training"), nov3);
        assertThat(usage.values()).containsExactly(new UsageCount("api_calls", 1, 8), new UsageCount("audio_analysis", 3, 3),
                new UsageCount("model_training", 0, 0));
        assertThat(store.usage(org, List.of("api_calls"), nov2).get("api_calls")).isEqualTo(new UsageCount("api_calls", 7, 8));

        // No TTL, so volatile-lru cannot evict a quota; retention removes a counter 2 days after its period, not before.
        String dayKey = RedisKeys.usageDay(org, "api_calls", java.time.LocalDate.of(2099, 11, 2));
        String monthKey = RedisKeys.usageMonth(org, "api_calls", java.time.YearMonth.of(2099, 11));
        assertThat(REDIS.jedis().pttl(dayKey)).isEqualTo(-1);
        assertThat(REDIS.jedis().pttl(monthKey)).isEqualTo(-1);
        RedisRetention retention = new RedisRetention(REDIS.jedis(), "test", org);
        assertThat(retention.prune(Instant.parse("2099-11-04T23:59:59Z")).usage()).isZero();
        assertThat(retention.prune(Instant.parse("2099-11-05T00:00:00Z")).usage()).as("the Nov 2 counter").isEqualTo(1);
        assertThat(REDIS.jedis().exists(dayKey)).isFalse();
        assertThat(REDIS.jedis().exists(monthKey)).isTrue();
        assertThat(retention.prune(Instant.parse("2099-12-03T00:00:00Z")).usage()).as("Nov 3's and November's, of both resources").isEqualTo(4);
        assertThat(REDIS.jedis().exists(monthKey)).isFalse();
    }

    @Test
    void retentionDropsARateLimitStateOnlyOnceItsBucketIsFullAgain() {
        String org = REDIS.newOrgId("ratestate");
        String past = RedisKeys.rateLimit(org, "key-past");
        String future = RedisKeys.rateLimit(org, "key-future");
        REDIS.jedis().set(past, "1000.000");
        REDIS.jedis().set(future, "5000.000");
        RedisRetention.Pruned pruned = new RedisRetention(REDIS.jedis(), "test", org).prune(Instant.ofEpochMilli(3000));
        assertThat(pruned.rateLimit()).isEqualTo(1);
        assertThat(REDIS.jedis().exists(past)).isFalse();
        assertThat(REDIS.jedis().get(future)).isEqualTo("5000.000");
    }

    @Test
    void ledgerTotalsAreAbsoluteIdempotentAndApartFromTheApiCounters() {
        String org = REDIS.newOrgId("ledger");
        java.time.LocalDate nov2 = java.time.LocalDate.of(2099, 11, 2);
        java.time.LocalDate nov1 = java.time.LocalDate.of(2099, 11, 1);
        store.addUsage(org, "api_calls", 7, Instant.parse("2099-11-02T10:00:00Z"));
        List<LedgerEntry> totals = List.of(new LedgerEntry(org, "api_calls", false, nov2, 5),
                new LedgerEntry(org, "api_calls", true, nov1, 12));
        assertThat(store.writeLedger(totals)).isEqualTo(2);
        // A replay writes the same totals again: nothing is added.
        assertThat(store.writeLedger(totals)).isEqualTo(2);
        Instant at = Instant.parse("2099-11-02T12:00:00Z");
        assertThat(store.ledger(org, List.of("api_calls", "interactions"), at).values())
                .containsExactly(new UsageCount("api_calls", 5, 12), new UsageCount("interactions", 0, 0));
        // The API's incremented counters are untouched by the ledger, and the other way round.
        assertThat(store.usage(org, List.of("api_calls"), at).get("api_calls")).isEqualTo(new UsageCount("api_calls", 7, 7));
        // Protected from eviction (no TTL); retention removes the day's total 35 days after the day.
        assertThat(REDIS.jedis().pttl(RedisKeys.ledgerDay(org, "api_calls", nov2))).isEqualTo(-1);
        RedisRetention retention = new RedisRetention(REDIS.jedis(), "test", org);
        assertThat(retention.prune(Instant.parse("2099-12-07T23:59:59Z")).ledger()).isZero();
        assertThat(retention.prune(Instant.parse("2099-12-08T00:00:00Z")).ledger()).isEqualTo(1);
        assertThat(REDIS.jedis().exists(RedisKeys.ledgerDay(org, "api_calls", nov2))).isFalse();
        // A total whose retention has passed is not written at all.
        assertThat(store.writeLedger(List.of(new LedgerEntry(org, "api_calls", false, java.time.LocalDate.of(2001, 1, 1), 3)))).isZero();
        assertThat(REDIS.jedis().exists(RedisKeys.ledgerDay(org, "api_calls", java.time.LocalDate.of(2001, 1, 1)))).isFalse();
    }

    @Test
    void orgsAreIsolated() {
        String a = REDIS.newOrgId("iso-a");
        String b = REDIS.newOrgId("iso-b");
        store.writeBatch(a, FeatureViews.USER_SESSIONS, null, List.of(sessionRow("same-user", 1)));
        store.writeBatch(b, FeatureViews.USER_SESSIONS, null, List.of(sessionRow("same-user", 2)));
        assertThat(store.read(a, FeatureViews.USER_SESSIONS, List.of("same-user")).get("same-user").getLong("sessions_7d")).isEqualTo(1);
        assertThat(store.read(b, FeatureViews.USER_SESSIONS, List.of("same-user")).get("same-user").getLong("sessions_7d")).isEqualTo(2);
        store.writeBatch(a, FeatureViews.USER_RECOMMENDATIONS, "v1", List.of(recs("same-user", "v1")));
        store.activateVersion(a, FeatureViews.USER_RECOMMENDATIONS, "v1");
        assertThat(store.read(b, FeatureViews.USER_RECOMMENDATIONS, List.of("same-user"))).isEmpty();
        store.addUsage(a, "api_calls", 10, Instant.now());
        assertThat(store.usage(b, List.of("api_calls"), Instant.now()).get("api_calls").day()).isZero();
        assertThat(REDIS.deleteOrg(b)).isEqualTo(1);
        assertThat(store.read(a, FeatureViews.USER_SESSIONS, List.of("same-user"))).hasSize(1);
    }

    @Test
    void misuseFailsWithTheFix() {
        String org = REDIS.newOrgId("misuse");
        assertThatThrownBy(() -> store.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, null, List.of(recs("u", "v1"))))
                .isInstanceOf(StoreException.class).hasMessageContaining("model version 'null'");
        assertThatThrownBy(() -> store.writeBatch(org, FeatureViews.USER_SESSIONS, "v1", List.of(sessionRow("u", 1))))
                .hasMessageContaining("Pass null as the version");
        assertThatThrownBy(() -> store.read(org, FeatureViews.ORG_USAGE, List.of(org))).hasMessageContaining("Use addUsage and usage");
        // A bad row anywhere in the batch means nothing of it is written.
        List<FeatureRow> rows = new ArrayList<>(List.of(sessionRow("good", 1), sessionRow("bad id", 2)));
        assertThatThrownBy(() -> store.writeBatch(org, FeatureViews.USER_SESSIONS, null, rows)).hasMessageContaining("'bad id'");
        assertThat(store.read(org, FeatureViews.USER_SESSIONS, List.of("good"))).isEmpty();
    }

    @Test
    void anUnreachableRedisIsReportedWithTheFix() {
        var config = io.tunetrail.model.testing.TestStack.config(Map.of("redis.port", "1"));
        assertThatThrownBy(() -> RedisOnlineStore.connect(config)).isInstanceOf(StoreException.class)
                .hasMessageContaining("Redis at").hasMessageContaining("./tunetrail stack start")
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
    }

    private static long readsProcessed() {
        String info = new String((byte[]) REDIS.jedis().sendCommand(Protocol.Command.INFO, "stats"), java.nio.charset.StandardCharsets.UTF_8);
        return info.lines().filter(l -> l.startsWith("total_reads_processed:")).mapToLong(l -> Long.parseLong(l.substring(22).trim()))
                .findFirst().orElseThrow();
    }

    static FeatureRow sessionRow(String user, long sessions) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sessions_7d", sessions);
        v.put("minutes_listened_7d", sessions * 3.5);
        v.put("skip_rate_7d", 0.125);
        v.put("top_genres_7d", List.of("rock", "jazz-a"));
        v.put("recent_tracks", List.of("t:" + sessions, "t:1", "t/2"));
        v.put("updated_at_ms", 1_795_000_000_000L + sessions);
        return new FeatureRow(user, v);
    }

    static FeatureRow recs(String user, String version) {
        return new FeatureRow(user, Map.of("track_ids", List.of("t:1", "t:2", "t:3"), "scores", List.of(0.9, 0.5, 0.25),
                "model_version", version));
    }

    static FeatureRow similar(String track, String version) {
        return new FeatureRow(track, Map.of("track_ids", List.of("t:x"), "scores", List.of(0.75), "model_version", version));
    }
}
