package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed JSON, wrong types, unknown fields, huge bodies, unknown routes; interactions validated, idempotent, on Kafka. */
class RequestValidationIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String admin;

    @BeforeAll
    static void start() {
        org = stack.redis.newOrgId("valid");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "pro", 50, 7));
        admin = stack.key(org, "admin");
    }

    @Test
    void badBodiesNameTheField() {
        JavalinTest.test(stack.app(), (server, client) -> {
            assertProblem(post(client, "/api/v1/api-keys", admin, "{\"name\": \"x\""), 400, "malformed_json", null);
            assertProblem(post(client, "/api/v1/api-keys", admin, ""), 400, "malformed_json", null);
            assertProblem(post(client, "/api/v1/api-keys", admin, "{\"name\": 5}"), 400, "invalid_field", "name");
            assertProblem(post(client, "/api/v1/api-keys", admin, "{\"name\": \"x\", \"scopes\": \"read\"}"), 400, "invalid_field", "scopes");
            assertProblem(post(client, "/api/v1/api-keys", admin, "{\"name\": \"x\", \"scopes\": [\"read\", \"root\"]}"), 400, "invalid_field", "scopes[1]");
            assertProblem(post(client, "/api/v1/api-keys", admin, "{\"name\": \"x\", \"colour\": \"red\"}"), 400, "unknown_field", "colour");
            assertProblem(post(client, "/api/v1/api-keys", admin, "{}"), 400, "missing_field", "name");
            assertProblem(post(client, "/api/v1/ml/radio", admin, "{\"seed_track_id\": \"t:1\", \"limit\": \"5\"}"), 400, "invalid_field", "limit");
            assertProblem(post(client, "/api/v1/ml/radio", admin, "{\"seed_track_id\": \"t:1\", \"limit\": 2.5}"), 400, "invalid_field", "limit");
            assertProblem(post(client, "/api/v1/ml/radio", admin, "{\"seed_track_id\": \"t:1\", \"limit\": 500}"), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/tracks?limit=abc", admin), 400, "invalid_field", "limit");
            assertProblem(get(client, "/api/v1/tracks?cursor=garbage", admin), 400, "invalid_field", "cursor");
            assertProblem(get(client, "/api/v1/nothing-here", admin), 404, "no_such_route", null);
        });
    }

    @Test
    void hugeBodiesGet413() {
        JavalinTest.test(stack.app(10_000), (server, client) -> {
            String big = "{\"name\": \"" + "x".repeat(20_000) + "\"}";
            assertProblem(post(client, "/api/v1/api-keys", admin, big), 413, "body_too_large", null);
        });
    }

    @Test
    void interactionsAreValidatedIdempotentAndPublished() {
        String user = "listener-1";
        JavalinTest.test(stack.app(), (server, client) -> {
            String e1 = interaction("e-1", user, "t:1");
            String e2 = interaction("e-2", user, "t:2");
            Http.Answer single = post(client, "/api/v1/interactions", admin, e1);
            assertThat(single.status()).isEqualTo(202);
            assertThat(single.json().get("accepted").asInt()).isEqualTo(1);

            Http.Answer batch = post(client, "/api/v1/interactions", admin, "{\"events\": [" + e1 + ", " + e2 + "]}");
            assertThat(batch.status()).isEqualTo(202);
            assertThat(batch.json().get("accepted").asInt()).isEqualTo(1);
            assertThat(batch.json().get("duplicates").asInt()).isEqualTo(1);
            assertThat(batch.json().get("results").get(0).get("status").asText()).isEqualTo("duplicate");

            String bad = interaction("e-3", user, "t:3").replace("\"play\"", "\"hum\"");
            assertProblem(post(client, "/api/v1/interactions", admin, "{\"events\": [" + interaction("e-4", user, "t:4") + ", " + bad + "]}"),
                    400, "invalid_field", "events[1].event_type");
            assertProblem(post(client, "/api/v1/interactions", admin, "[" + interaction("e-5", user, "bad id with spaces") + "]"),
                    400, "invalid_field", "[0].track_id");
            String otherOrg = interaction("e-6", user, "t:6").replace("{", "{\"org_id\": \"someone-else\", ");
            assertProblem(post(client, "/api/v1/interactions", admin, otherOrg), 400, "invalid_field", "org_id");

            Http.Answer stats = get(client, "/api/v1/interactions/stats", admin);
            assertThat(stats.json().get("accepted_today").asLong()).isEqualTo(2);
            assertThat(stats.json().get("duplicates_today").asLong()).isEqualTo(1);
        });
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaConfig.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(stack.kafkaConfig.get(PlatformConfig.TOPIC_INTERACTIONS)));
            for (int i = 0; i < 30 && ids.size() < 2; i++) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.value()).contains("\"org_id\":\"" + org + "\"");
                    assertThat(r.key()).isEqualTo(org + "/" + user);
                    ids.add(r.value().replaceAll(".*\"client_event_id\":\"([^\"]+)\".*", "$1"));
                }
            }
        }
        assertThat(ids).containsExactlyInAnyOrder("e-1", "e-2");
    }

    private static String interaction(String id, String user, String track) {
        return "{\"user_id\": \"" + user + "\", \"track_id\": \"" + track + "\", \"event_type\": \"play\", \"played_ms\": 1000, "
                + "\"event_time\": \"2026-11-22T10:00:00Z\", \"client_event_id\": \"" + id + "\"}";
    }
}
