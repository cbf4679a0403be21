package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.online.RedisKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code requests_per_second} in config/plans.yaml caps one key within a second, below its per-minute burst, in the same
 * limit script: a pro key cannot spend its burst of 300 at once.
 */
class PerSecondRateLimitIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final String METERED = "/api/v1/tracks/top";

    @Test
    void aProKeyGetsOneSecondsWorthAtOnceAndTheRestOfItsBurstOverTheNextSeconds() {
        PlanCatalog.RateLimit pro = stack.plans.plan("pro").rateLimit();
        int perSecond = pro.requestsPerSecond();
        assertThat(perSecond).as("the catalog's pro plan: a per-second cap below its burst").isLessThan(pro.burst());
        String org = stack.org("per-second", "pro");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            // The clock stands still: only what the buckets hold is admitted.
            Map<String, Integer> first = send(client, key, perSecond + 20);
            assertThat(first).containsEntry("200", perSecond).containsEntry("rate_limited", 20).hasSize(2);
            Http.Answer refused = get(client, METERED, key);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("1");

            // A second later the per-second bucket is full again; the per-minute one still has room, so it admits another second's worth.
            stack.clock.advance(Duration.ofSeconds(1));
            assertThat(send(client, key, perSecond + 5)).containsEntry("200", perSecond).containsEntry("rate_limited", 5);
            assertThat(stack.redis.jedis().get(RedisKeys.rateLimitPerSecond(org, onlyKeyId(org)))).as("the per-second state").isNotNull();
        });
    }

    @Test
    void aPlanWithoutAPerSecondCapSpendsItsWholeBurstAtOnce() {
        PlanCatalog.RateLimit starter = stack.plans.plan("starter").rateLimit();
        assertThat(starter.requestsPerSecond()).isNull();
        String org = stack.org("no-per-second", "starter");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) ->
                assertThat(send(client, key, starter.burst() + 3)).containsEntry("200", starter.burst()).containsEntry("rate_limited", 3));
    }

    private static Map<String, Integer> send(io.javalin.testtools.HttpClient client, String key, int n) {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Http.Answer a = get(client, METERED, key);
            answers.merge(a.status() == 200 ? "200" : a.json().get("code").asText(), 1, Integer::sum);
        }
        return answers;
    }

    private static String onlyKeyId(String org) throws java.sql.SQLException {
        try (var c = stack.db.dataSource().getConnection(); var ps = c.prepareStatement("SELECT key_id FROM api_keys WHERE org_id = ?")) {
            ps.setString(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
