package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A/B experiments (deterministic weighted assignment, feedback per arm) and feature flags (plans, rollout). */
class ExperimentsAndFlagsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String admin;

    @BeforeAll
    static void start() {
        org = stack.redis.newOrgId("abtest");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "enterprise", 20, 5));
        admin = stack.key(org, "admin");
    }

    private static void feedback(io.javalin.testtools.HttpClient client, String id, String type, String version) {
        Http.Answer a = post(client, "/api/v1/recommendations/feedback", admin, "{\"user_id\": \"u1\", \"track_id\": \"t:1\", \"feedback\": \""
                + type + "\", \"model_version\": \"" + version + "\", \"client_event_id\": \"" + id + "\"}");
        assertThat(a.status()).as(a.text()).isEqualTo(202);
    }

    @Test
    void experimentsAssignDeterministicallyAndReportFeedbackPerArm() {
        String intruder = stack.key(stack.org("ab-intruder", "enterprise"), "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer created = post(client, "/api/v1/experiments", admin, "{\"name\": \"als rank\", \"arms\": ["
                    + "{\"name\": \"control\", \"model_version\": \"als-1\", \"weight\": 1}, {\"name\": \"candidate\", \"model_version\": \"als-2\", \"weight\": 3}]}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("experiment_id").asText();
            assertThat(post(client, "/api/v1/experiments", admin, "{\"name\": \"x\", \"arms\": [{\"name\": \"a\", \"model_version\": \"v1\"}]}")
                    .json().get("field").asText()).isEqualTo("arms");

            Map<String, Integer> perArm = new HashMap<>();
            for (int u = 0; u < 200; u++) {
                // 400 calls of one key: a second per listener keeps them under the plan's requests_per_second.
                stack.clock.advance(java.time.Duration.ofSeconds(1));
                JsonNode a = get(client, "/api/v1/experiments/" + id + "/assignment?user_id=listener-" + u, admin).json();
                perArm.merge(a.get("arm").asText(), 1, Integer::sum);
                assertThat(get(client, "/api/v1/experiments/" + id + "/assignment?user_id=listener-" + u, admin).json().get("arm").asText())
                        .as("the same listener always gets the same arm").isEqualTo(a.get("arm").asText());
            }
            assertThat(perArm.get("control")).isBetween(25, 75);
            assertThat(perArm.get("candidate")).isBetween(125, 175);

            feedback(client, "f1", "like", "als-1");
            feedback(client, "f2", "like", "als-1");
            feedback(client, "f3", "dislike", "als-1");
            feedback(client, "f3", "dislike", "als-1");
            feedback(client, "f4", "skip", "als-2");
            JsonNode results = get(client, "/api/v1/experiments/" + id + "/results", admin).json().get("arms");
            assertThat(results.get(0).get("feedback").get("like").asLong()).isEqualTo(2);
            assertThat(results.get(0).get("feedback").get("dislike").asLong()).as("a replayed event counts once").isEqualTo(1);
            assertThat(results.get(0).get("positive_rate").asDouble()).isBetween(0.66, 0.67);
            assertThat(results.get(1).get("positive_rate").asDouble()).isZero();

            for (String path : new String[] {"/api/v1/experiments/" + id, "/api/v1/experiments/" + id + "/results",
                "/api/v1/experiments/" + id + "/assignment?user_id=u1"}) {
                assertThat(get(client, path, intruder).status()).as(path).isEqualTo(404);
            }
            assertThat(post(client, "/api/v1/experiments/" + id + "/stop", intruder, null).status()).isEqualTo(404);
            assertThat(post(client, "/api/v1/experiments/" + id + "/stop", admin, null).json().get("status").asText()).isEqualTo("stopped");
        });
    }

    @Test
    void flagsFollowPlansAndRollOutToAStableShare() {
        String reader = stack.key(org, "read");
        String intruder = stack.key(stack.org("flag-intruder", "pro"), "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(call(client, "PUT", "/api/v1/feature-flags/new-ui", reader, "{}").status()).isEqualTo(403);
            assertThat(call(client, "PUT", "/api/v1/feature-flags/new-ui", admin, "{\"plans\": [\"pro\"]}").status()).isEqualTo(200);
            JsonNode notMine = get(client, "/api/v1/feature-flags/new-ui/evaluate?user_id=u1", reader).json();
            assertThat(notMine.get("on").asBoolean()).isFalse();
            assertThat(notMine.get("reason").asText()).isEqualTo("not for plan enterprise");

            call(client, "PUT", "/api/v1/feature-flags/new-ui", admin, "{\"rollout_percent\": 30}");
            int on = 0;
            for (int u = 0; u < 300; u++) {
                boolean first = get(client, "/api/v1/feature-flags/new-ui/evaluate?user_id=l" + u, reader).json().get("on").asBoolean();
                if (first) {
                    on++;
                }
            }
            assertThat(on).isBetween(60, 120);
            call(client, "PUT", "/api/v1/feature-flags/new-ui", admin, "{\"enabled\": false}");
            assertThat(get(client, "/api/v1/feature-flags/new-ui/evaluate?user_id=l1", reader).json().get("reason").asText()).isEqualTo("disabled");
            assertThat(call(client, "PUT", "/api/v1/feature-flags/new-ui", admin, "{\"rollout_percent\": 101}").json().get("field").asText())
                    .isEqualTo("rollout_percent");
            assertThat(get(client, "/api/v1/feature-flags/new-ui/evaluate?user_id=l1", intruder).status()).isEqualTo(404);
            assertThat(call(client, "DELETE", "/api/v1/feature-flags/new-ui", intruder, null).status()).isEqualTo(404);
            assertThat(call(client, "DELETE", "/api/v1/feature-flags/new-ui", admin, null).status()).isEqualTo(204);
        });
    }
}
