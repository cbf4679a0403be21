package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlanCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-key rate limit cannot be multiplied by minting keys: the org's keys together stay under the plan's org
 * ceiling ({@code org_requests_per_minute}, {@code org_burst} in config/plans.yaml), decided by the same limit script.
 */
class OrgRateCeilingIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final String METERED = "/api/v1/tracks/top";

    @Test
    void tenKeysTogetherGetTheOrgsBurstNotTenTimesTheKeys() {
        PlanCatalog.RateLimit free = stack.plans.plan("free").rateLimit();
        int keyBurst = free.burst();
        int orgBurst = free.orgBurst();
        assertThat(orgBurst).as("the catalog's free plan: an org burst of a few keys' worth").isGreaterThan(keyBurst).isLessThan(10 * keyBurst);
        String org = stack.org("ceiling", "free");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            keys.add(stack.key(org, "read"));
        }
        JavalinTest.test(stack.app(), (server, client) -> {
            // The clock stands still: no bucket refills, so what is admitted is exactly what the buckets hold.
            Map<String, Integer> first = burst(client, keys, keyBurst);
            assertThat(first.get("200")).as("admitted across 10 keys of burst " + keyBurst).isEqualTo(orgBurst);
            assertThat(first.get("org_rate_limited")).isEqualTo(10 * keyBurst - orgBurst);
            assertThat(first).containsOnlyKeys("200", "org_rate_limited");

            Http.Answer refused = get(client, METERED, keys.get(9));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("code").asText()).isEqualTo("org_rate_limited");
            assertThat(refused.header("Retry-After")).isNotNull();

            // Once both buckets have refilled the org gets its burst again: the ceiling, not a quota, refused above.
            stack.clock.advance(Duration.ofMinutes(1));
            Map<String, Integer> second = burst(client, keys, keyBurst);
            assertThat(second.get("200")).isEqualTo(orgBurst);
        });
    }

    @Test
    void oneKeyAloneIsStillHeldToItsOwnRate() {
        PlanCatalog.RateLimit free = stack.plans.plan("free").rateLimit();
        String org = stack.org("one-key", "free");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Map<String, Integer> answers = burst(client, List.of(key), free.burst() + 5);
            assertThat(answers.get("200")).isEqualTo(free.burst());
            assertThat(answers.get("rate_limited")).isEqualTo(5);
        });
    }

    /** Sends {@code perKey} requests with each key, counting the answers by status (200) or problem code. */
    private static Map<String, Integer> burst(io.javalin.testtools.HttpClient client, List<String> keys, int perKey) {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < perKey; i++) {
            for (String key : keys) {
                Http.Answer a = get(client, METERED, key);
                answers.merge(a.status() == 200 ? "200" : a.json().get("code").asText(), 1, Integer::sum);
            }
        }
        return answers;
    }
}
