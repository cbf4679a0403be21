package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.service.InteractionService;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.Ids;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.ScanParams;

/**
 * Idempotency keys (client_event_id, one Redis mark each for 7 days) are bounded per call ({@link InteractionService#MAX_BATCH})
 * and in size ({@link Ids#MAX_LENGTH}); a call over either bound is refused with a 400 naming the field and writes
 * no mark at all.
 */
class IdempotencyKeyBoundsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    static String event(String clientEventId) {
        return "{\"user_id\": \"u1\", \"track_id\": \"t:1\", \"event_type\": \"play\", \"played_ms\": 1000, \"event_time\": \""
                + stack.clock.instant() + "\", \"client_event_id\": \"" + clientEventId + "\"}";
    }

    static long marks(String org) {
        return stack.redis.jedis().scan(ScanParams.SCAN_POINTER_START,
                new ScanParams().match(RedisKeys.org(org) + ":seen:*").count(10_000)).getResult().size();
    }

    @Test
    void anOversizedKeyOrTooManyKeysInOneCallAreRefusedNamingTheFieldAndMarkNothing() {
        String org = stack.redis.newOrgId("idem");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "enterprise", 10, 1));
        String key = stack.key(org, "read", "write");
        String tooLong = "k" + "x".repeat(Ids.MAX_LENGTH);
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer single = post(client, "/api/v1/interactions", key, event(tooLong));
            assertThat(single.status()).as(single.text()).isEqualTo(400);
            assertThat(single.json().get("field").asText()).isEqualTo("client_event_id");

            Http.Answer inBatch = post(client, "/api/v1/interactions", key, "{\"events\": [" + event("fine-1") + "," + event(tooLong) + "]}");
            assertThat(inBatch.status()).isEqualTo(400);
            assertThat(inBatch.json().get("field").asText()).isEqualTo("events[1].client_event_id");

            StringJoiner many = new StringJoiner(",", "{\"events\": [", "]}");
            for (int i = 0; i <= InteractionService.MAX_BATCH; i++) {
                many.add(event("many-" + i));
            }
            Http.Answer tooMany = post(client, "/api/v1/interactions", key, many.toString());
            assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(400);
            assertThat(tooMany.json().get("field").asText()).isEqualTo("events");
            assertThat(marks(org)).as("a refused call marks no key, not even its valid ones").isZero();

            Http.Answer fine = post(client, "/api/v1/interactions", key, event("k" + "x".repeat(Ids.MAX_LENGTH - 1)));
            assertThat(fine.status()).as(fine.text()).isEqualTo(202);
            assertThat(marks(org)).isEqualTo(1);
        });
    }
}
