package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.KeyFamily;
import io.tunetrail.store.online.LedgerEntry;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis memory policy holds for what the platform really writes: the API's requests (limiter, quota counters,
 * idempotency marks, feedback, per-key usage) and the jobs' writes through the online store (rows, versions, ledger)
 * leave keys of every {@link KeyFamily}, and each carries a TTL exactly when its family may be evicted
 * ({@code volatile-lru} evicts only keys with a TTL).
 */
class RedisKeyFamiliesIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void everyKeyWrittenCarriesATtlExactlyWhenItsFamilyIsEvictable() {
        String org = stack.redis.newOrgId("families");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "pro", 20, 3));
        String key = stack.key(org, "read", "write");
        RedisOnlineStore store = stack.redis.store();
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("sessions_7d", 2L);
        session.put("minutes_listened_7d", 7.0);
        session.put("skip_rate_7d", 0.5);
        session.put("top_genres_7d", List.of("rock"));
        session.put("recent_tracks", List.of("t:1"));
        session.put("updated_at_ms", 1_795_000_000_000L);
        store.writeBatch(org, FeatureViews.USER_SESSIONS, null, List.of(new FeatureRow("u1", session)));
        store.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, "1.0", List.of(new FeatureRow("u1",
                Map.of("track_ids", List.of("t:1", "t:2"), "scores", List.of(0.9, 0.5), "model_version", "1.0"))));
        store.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "1.0");
        LocalDate today = LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC);
        store.writeLedger(List.of(new LedgerEntry(org, "api_calls", false, today, 3)));

        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer posted = post(client, "/api/v1/interactions", key, "{\"user_id\": \"u1\", \"track_id\": \"t:1\", \"event_type\": \"play\", "
                    + "\"played_ms\": 1000, \"event_time\": \"" + stack.clock.instant() + "\", \"client_event_id\": \"fam-1\"}");
            assertThat(posted.status()).as(posted.text()).isEqualTo(202);
            Http.Answer feedback = post(client, "/api/v1/recommendations/feedback", key,
                    "{\"user_id\": \"u1\", \"track_id\": \"t:1\", \"feedback\": \"like\", \"model_version\": \"1.0\", \"client_event_id\": \"fam-2\"}");
            assertThat(feedback.status()).as(feedback.text()).isEqualTo(202);
            assertThat(get(client, "/api/v1/tracks/top", key).status()).isEqualTo(200);
        });

        Set<KeyFamily> seen = EnumSet.noneOf(KeyFamily.class);
        List<String> wrong = new ArrayList<>();
        for (String k : keysOf(org)) {
            KeyFamily family = KeyFamily.of(k).orElseThrow(() -> new AssertionError("a key of no family: " + k));
            seen.add(family);
            long ttl = stack.redis.jedis().pttl(k);
            if (family.evictable() != (ttl > 0)) {
                wrong.add(k + " (" + family + ", pttl " + ttl + ")");
            }
        }
        assertThat(wrong).as("evictable keys must carry a TTL, protected ones none").isEmpty();
        // Reconciliation marks are written only after a Redis outage (the limiter's RECONCILE script sets them with a
        // TTL); the outage itself is ApiFaultsIT's, on a private Redis. The web console's families are written by the
        // console only (its ConsoleSecurityIT and SignInLimiterIT check their TTLs). Every other family is written here.
        Set<KeyFamily> expected = EnumSet.complementOf(EnumSet.of(KeyFamily.RECONCILED, KeyFamily.SIGN_IN, KeyFamily.CONSOLE_SECRET));
        assertThat(seen).as("the test exercised every family").containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<String> keysOf(String org) {
        List<String> keys = new ArrayList<>();
        ScanParams params = new ScanParams().match(RedisKeys.orgPattern(org)).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = stack.redis.jedis().scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
