package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import java.time.Duration;
import java.time.Instant;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** API keys and teams: 401/403/404, key lifecycle (create, list, rotate, revoke, expire), last use, other orgs' objects. */
class AuthAndKeysIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void missingOrBadKeysGet401ProblemsAndBothHeadersWork() {
        String org = stack.org("auth", "pro");
        String key = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer missing = get(client, "/api/v1/usage", null);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.contentType()).startsWith("application/problem+json");
            assertThat(missing.json().get("code").asText()).isEqualTo("missing_api_key");
            assertThat(missing.json().get("type").asText()).startsWith("https://");
            assertThat(missing.json().get("title").asText()).isNotBlank();
            assertThat(missing.json().get("status").asInt()).isEqualTo(401);

            Http.Answer bad = get(client, "/api/v1/usage", key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"));
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.json().get("code").asText()).isEqualTo("invalid_api_key");

            assertThat(get(client, "/api/v1/usage", key).status()).isEqualTo(200);
            Http.Answer viaHeader = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/usage")
                    .header("X-API-Key", key).build());
            assertThat(viaHeader.status()).isEqualTo(200);
            assertThat(viaHeader.json().get("org_id").asText()).isEqualTo(org);
        });
    }

    @Test
    void scopesAreEnforcedWith403() {
        String org = stack.org("scopes", "pro");
        String reader = stack.key(org, "read");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer refused = get(client, "/api/v1/api-keys", reader);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("insufficient_scope");
            assertThat(post(client, "/api/v1/interactions", reader, "{}").status()).isEqualTo(403);
            assertThat(get(client, "/api/v1/api-keys", admin).status()).isEqualTo(200);
            Http.Answer plan = get(client, "/api/v1/org/plan", admin);
            assertThat(plan.json().get("plan_id").asText()).isEqualTo("pro");
            assertThat(plan.json().get("limits").get("api_calls").get("per_day").asLong()).isEqualTo(100_000);
            assertThat(plan.json().get("model_policy").asText()).isEqualTo("allow_minor");
            assertThat(get(client, "/api/v1/org/plan", reader).status()).isEqualTo(403);
        });
    }

    @Test
    void keyLifecycleCreateListRotateRevokeAndLastUse() {
        String org = stack.org("lifecycle", "starter");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer created = post(client, "/api/v1/api-keys", admin, "{\"name\":\"mobile app\",\"scopes\":[\"read\",\"write\"]}");
            assertThat(created.status()).isEqualTo(201);
            String secret = created.json().get("secret").asText();
            String keyId = created.json().get("key").get("key_id").asText();
            assertThat(secret).startsWith("tt_");
            assertThat(created.json().get("key").get("prefix").asText()).isEqualTo(secret.substring(0, 11));
            assertThat(get(client, "/api/v1/usage", secret).status()).isEqualTo(200);

            Http.Answer list = get(client, "/api/v1/api-keys", admin);
            assertThat(list.text()).contains(keyId).doesNotContain(secret);
            String hash = stack.sql().one("hash", "SELECT key_hash FROM api_keys WHERE key_id = ?", ps -> ps.setString(1, keyId),
                    rs -> rs.getString(1)).orElseThrow();
            assertThat(hash).hasSize(64).isNotEqualTo(secret);

            ServingApp.authenticator(server).flushLastUsed();
            assertThat(get(client, "/api/v1/api-keys/" + keyId, admin).json().get("last_used_at").isNull()).isFalse();

            Http.Answer rotated = post(client, "/api/v1/api-keys/" + keyId + "/rotate", admin, null);
            assertThat(rotated.status()).isEqualTo(201);
            String newSecret = rotated.json().get("secret").asText();
            assertThat(rotated.json().get("key").get("scopes").toString()).isEqualTo("[\"read\",\"write\"]");
            assertThat(get(client, "/api/v1/usage", secret).status()).as("old secret after rotation").isEqualTo(401);
            assertThat(get(client, "/api/v1/usage", newSecret).status()).isEqualTo(200);

            String newId = rotated.json().get("key").get("key_id").asText();
            assertThat(call(client, "DELETE", "/api/v1/api-keys/" + newId, admin, null).status()).isEqualTo(200);
            assertThat(get(client, "/api/v1/usage", newSecret).status()).as("revoked").isEqualTo(401);
        });
    }

    /**
     * The key cache holds the key's whole decision (plan, role, scopes) for {@code api.key-cache-ms}: a key revoked
     * elsewhere (another instance, the operator's CLI) must stop working here once that bound has passed.
     */
    @Test
    void aKeyRevokedElsewhereStopsWorkingHereWithinTheCacheLifetime() throws Exception {
        String org = stack.org("revoked-elsewhere", "pro");
        String secret = stack.key(org, "read");
        long cacheMillis = 300;
        JavalinTest.test(stack.app(settings -> settings.withKeyCacheMillis(cacheMillis)), (server, client) -> {
            assertThat(get(client, "/api/v1/usage", secret).status()).as("cached now").isEqualTo(200);
            int revoked = stack.sql().update("revoke", "UPDATE api_keys SET revoked_at = now() WHERE org_id = ?", ps -> ps.setString(1, org));
            assertThat(revoked).isEqualTo(1);
            Thread.sleep(cacheMillis + 50);
            assertThat(get(client, "/api/v1/usage", secret).status()).as("once the cache lifetime has passed").isEqualTo(401);
        });
    }

    @Test
    void expiredKeysAreRefusedByTheInjectedClock() {
        String org = stack.org("expiry", "starter");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Instant expiry = stack.clock.instant().plus(Duration.ofHours(1));
            Http.Answer created = post(client, "/api/v1/api-keys", admin, "{\"name\":\"short\",\"expires_at\":\"" + expiry + "\"}");
            assertThat(created.status()).isEqualTo(201);
            String secret = created.json().get("secret").asText();
            assertThat(get(client, "/api/v1/usage", secret).status()).isEqualTo(200);
            stack.clock.advance(Duration.ofHours(2));
            try {
                assertThat(get(client, "/api/v1/usage", secret).status()).isEqualTo(401);
            } finally {
                stack.clock.advance(Duration.ofHours(-2));
            }
            Http.Answer past = post(client, "/api/v1/api-keys", admin, "{\"name\":\"past\",\"expires_at\":\"2001-01-01T00:00:00Z\"}");
            assertThat(past.status()).isEqualTo(400);
            assertThat(past.json().get("field").asText()).isEqualTo("expires_at");
        });
    }

    @Test
    void anotherOrgsKeysAndTeamsAreNotFoundNeverForbidden() {
        String orgA = stack.org("owner-a", "pro");
        String orgB = stack.org("owner-b", "pro");
        String adminA = stack.key(orgA, "admin");
        String adminB = stack.key(orgB, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            String keyOfA = post(client, "/api/v1/api-keys", adminA, "{\"name\":\"a's key\"}").json().get("key").get("key_id").asText();
            String teamOfA = post(client, "/api/v1/teams", adminA, "{\"name\":\"Data\"}").json().get("team_id").asText();
            for (String[] attempt : new String[][] {
                {"GET", "/api/v1/api-keys/" + keyOfA}, {"POST", "/api/v1/api-keys/" + keyOfA + "/rotate"},
                {"DELETE", "/api/v1/api-keys/" + keyOfA}, {"GET", "/api/v1/teams/" + teamOfA},
                {"DELETE", "/api/v1/teams/" + teamOfA}, {"GET", "/api/v1/teams/" + teamOfA + "/members"},
                {"GET", "/api/v1/teams/" + teamOfA + "/api-keys"}}) {
                Http.Answer a = call(client, attempt[0], attempt[1], adminB,
                        attempt[1].endsWith("/members") && attempt[0].equals("POST") ? "{\"email\":\"x@y.z\"}" : null);
                assertThat(a.status()).as(attempt[0] + " " + attempt[1]).isEqualTo(404);
                assertThat(a.text()).doesNotContain(orgA);
            }
            Http.Answer addMember = post(client, "/api/v1/teams/" + teamOfA + "/members", adminB, "{\"email\":\"x@y.z\"}");
            assertThat(addMember.status()).isEqualTo(404);
            Http.Answer keyInTeamOfA = post(client, "/api/v1/api-keys", adminB, "{\"name\":\"x\",\"team_id\":\"" + teamOfA + "\"}");
            assertThat(keyInTeamOfA.status()).isEqualTo(404);
            // A's objects are intact.
            assertThat(get(client, "/api/v1/api-keys/" + keyOfA, adminA).json().get("revoked_at").isNull()).isTrue();
            assertThat(get(client, "/api/v1/teams/" + teamOfA, adminA).status()).isEqualTo(200);
        });
    }

    @Test
    void teamsMembersAndSeatLimits() {
        String org = stack.org("teams", "starter");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            String team = post(client, "/api/v1/teams", admin, "{\"name\":\"Backend\"}").json().get("team_id").asText();
            assertThat(post(client, "/api/v1/teams", admin, "{\"name\":\"backend\"}").status()).isEqualTo(409);
            for (int i = 0; i < 5; i++) {
                assertThat(post(client, "/api/v1/teams/" + team + "/members", admin, "{\"email\":\"p" + i + "@x.io\",\"role\":\"member\"}").status())
                        .isEqualTo(201);
            }
            Http.Answer sixth = post(client, "/api/v1/teams/" + team + "/members", admin, "{\"email\":\"p5@x.io\"}");
            assertThat(sixth.status()).as("starter has 5 seats").isEqualTo(409);
            assertThat(sixth.json().get("code").asText()).isEqualTo("plan_limit_reached");
            Http.Answer badRole = post(client, "/api/v1/teams/" + team + "/members", admin, "{\"email\":\"q@x.io\",\"role\":\"king\"}");
            assertThat(badRole.status()).isEqualTo(400);
            assertThat(badRole.json().get("field").asText()).isEqualTo("role");
            assertThat(get(client, "/api/v1/teams/" + team + "/members", admin).json().get("members")).hasSize(5);
            Http.Answer teamKey = post(client, "/api/v1/api-keys", admin, "{\"name\":\"team key\",\"team_id\":\"" + team + "\"}");
            assertThat(teamKey.status()).isEqualTo(201);
            assertThat(get(client, "/api/v1/teams/" + team + "/api-keys", admin).json().get("api_keys")).hasSize(1);
        });
    }
}
