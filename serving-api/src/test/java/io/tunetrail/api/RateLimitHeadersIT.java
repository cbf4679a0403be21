package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RateLimit-Limit, -Remaining and -Reset on every response whose key is known: metered or not, admitted or refused
 * (402, 403), failing in the handler (404); none where no key is known (401) or the plan has no rate limit
 * (community). The clock stands still, so the GCRA figures are exact.
 */
class RateLimitHeadersIT {
    static final Instant NOON = LocalDate.now(ZoneOffset.UTC).atTime(12, 0).toInstant(ZoneOffset.UTC);

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack(NOON);

    private static void assertHeaders(Http.Answer a, String limit, String remaining, String reset) {
        assertThat(a.header("RateLimit-Limit")).as("RateLimit-Limit of a %d", a.status()).isEqualTo(limit);
        assertThat(a.header("RateLimit-Remaining")).as("RateLimit-Remaining of a %d", a.status()).isEqualTo(remaining);
        assertThat(a.header("RateLimit-Reset")).as("RateLimit-Reset of a %d", a.status()).isEqualTo(reset);
    }

    private static void assertNoHeaders(Http.Answer a) {
        assertThat(a.header("RateLimit-Limit")).as("RateLimit-Limit of a %d", a.status()).isNull();
        assertThat(a.header("RateLimit-Remaining")).isNull();
        assertThat(a.header("RateLimit-Reset")).isNull();
        assertThat(a.header("Retry-After")).isNull();
    }

    @Test
    void unmeteredRoutesShowTheKeysStateWithoutCountingARequest() {
        stack.clock.set(NOON);
        String org = stack.org("unmetered", "starter");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer fresh = get(client, "/api/v1/usage", key);
            assertThat(fresh.status()).isEqualTo(200);
            assertHeaders(fresh, "60", "60", "0");
            assertHeaders(get(client, "/api/v1/usage", key), "60", "60", "0");

            Http.Answer metered = get(client, "/api/v1/tracks/top", key);
            assertThat(metered.status()).isEqualTo(200);
            assertHeaders(metered, "60", "59", "1");
            // Starter: 600 requests a minute, one emission interval is 100 ms: the bucket is full again in 1 s (rounded up).
            assertHeaders(get(client, "/api/v1/usage", key), "60", "59", "1");
        });
    }

    @Test
    void refusalsForScopeOrPlanAndHandlerErrorsCarryTheHeadersToo() {
        stack.clock.set(NOON);
        String free = stack.org("refusals", "free");
        String writeOnly = stack.key(free, "write");
        String reader = stack.key(free, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer noScope = Http.call(client, "DELETE", "/api/v1/api-keys/whatever", writeOnly, null);
            assertThat(noScope.status()).isEqualTo(403);
            assertHeaders(noScope, "10", "10", "0");

            Http.Answer planRefused = get(client, "/api/v1/ml/daily-mix?user_id=u-1", reader);
            assertThat(planRefused.status()).isEqualTo(402);
            assertHeaders(planRefused, "10", "10", "0");

            Http.Answer missing = get(client, "/api/v1/tracks/no-such-track", reader);
            assertThat(missing.status()).isEqualTo(404);
            // Admitted and counted before the handler found nothing; free: 60 a minute, one interval is 1 s.
            assertHeaders(missing, "10", "9", "1");
        });
    }

    @Test
    void noKeyMeansNoHeadersAndACommunityOrgHasNoRateLimitToShow() {
        stack.clock.set(NOON);
        String community = stack.org("selfhosted", "community", "community");
        String key = stack.key(community, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer missingKey = get(client, "/api/v1/tracks/top", null);
            assertThat(missingKey.status()).isEqualTo(401);
            assertNoHeaders(missingKey);
            Http.Answer badKey = get(client, "/api/v1/tracks/top", "tt_live_not_a_real_key_0000000000000000");
            assertThat(badKey.status()).isEqualTo(401);
            assertNoHeaders(badKey);

            Http.Answer metered = get(client, "/api/v1/tracks/top", key);
            assertThat(metered.status()).isEqualTo(200);
            assertNoHeaders(metered);
            Http.Answer unmetered = get(client, "/api/v1/usage", key);
            assertThat(unmetered.status()).isEqualTo(200);
            assertNoHeaders(unmetered);
        });
    }
}
