package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.UsageEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every admitted metered call publishes one usage event to Kafka (off the request path, drained in batches by the
 * publisher's sender thread): org, key, resource, units and the request id the response carried; unmetered calls and
 * refused ones publish nothing.
 */
class UsageEventsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void eachAdmittedMeteredCallPublishesOneUsageEventWithItsRequestId() {
        String org = stack.org("usage-events", "starter");
        String key = stack.key(org, "read");
        String keyId = stack.sql().one("key id", "SELECT key_id FROM api_keys WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getString(1)).orElseThrow();
        Set<String> requestIds = new HashSet<>();
        JavalinTest.test(stack.app(), (server, client) -> {
            for (int i = 0; i < 25; i++) {
                Http.Answer a = get(client, "/api/v1/tracks/top", key);
                assertThat(a.status()).isEqualTo(200);
                requestIds.add(a.header("X-Request-Id"));
            }
            assertThat(get(client, "/api/v1/usage", key).status()).as("unmetered").isEqualTo(200);
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u1", stack.key(stack.org("usage-free", "free"), "read")).status())
                    .as("refused by plan").isEqualTo(402);
        });
        assertThat(requestIds).hasSize(25).doesNotContainNull();

        List<UsageEvent> events = stack.usageEvents(org, requestIds.size());
        assertThat(events).hasSize(25);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.orgId()).isEqualTo(org);
            assertThat(e.apiKeyId()).isEqualTo(keyId);
            assertThat(e.resource()).isEqualTo("api_calls");
            assertThat(e.units()).isEqualTo(1);
        });
        assertThat(events.stream().map(UsageEvent::requestId).toList()).containsExactlyInAnyOrderElementsOf(requestIds);
    }
}
