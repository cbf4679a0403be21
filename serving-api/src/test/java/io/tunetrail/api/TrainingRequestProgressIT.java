package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.service.ModelService;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.TrainingQueue;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A training request's progress through the API while a worker runs it, and DELETE stopping it midway (only for its key or an admin). */
class TrainingRequestProgressIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void aRunningRequestShowsItsWorkerAndProgressAndDeleteCancelsIt() throws Exception {
        String org = stack.org("trainer", "enterprise");
        String key = stack.key(org, "read", "write");
        String otherWriteKey = stack.key(org, "read", "write");
        String adminKey = stack.key(org, "read", "write", "admin");
        TrainingQueue worker = new TrainingQueue(stack.db.dataSource(), stack.plans, "api-test-worker", Duration.ofMinutes(5));
        JavalinTest.test(stack.app(), (server, client) -> {
            String id = post(client, "/api/v1/models/train", key, "{\"algorithm\": \"als\", \"params\": {\"rank\": 8}}")
                    .json().get("request_id").asText();
            assertThat(worker.claimNext()).isPresent();
            assertThat(worker.leases().heartbeat(org, id, "track-similarity", 40)).isEqualTo(JobLeases.Heartbeat.HELD);

            JsonNode running = get(client, "/api/v1/models/train/" + id, key).json();
            assertThat(running.get("status").asText()).isEqualTo("RUNNING");
            assertThat(running.get("stage").asText()).isEqualTo("track-similarity");
            assertThat(running.get("percent").asInt()).isEqualTo(40);
            assertThat(running.get("attempts").asInt()).isEqualTo(1);
            assertThat(running.get("worker").asText()).isEqualTo("api-test-worker");
            assertThat(running.hasNonNull("updated_at")).as(running.toString()).isTrue();

            Http.Answer byAnotherApp = call(client, "DELETE", "/api/v1/models/train/" + id, otherWriteKey, null);
            assertThat(byAnotherApp.status()).as(byAnotherApp.text()).isEqualTo(403);
            assertThat(byAnotherApp.json().get("code").asText()).isEqualTo("not_requester");
            assertThat(get(client, "/api/v1/models/train/" + id, key).json().get("status").asText()).isEqualTo("RUNNING");

            assertThat(call(client, "DELETE", "/api/v1/models/train/" + id, key, null).json().get("status").asText()).isEqualTo("CANCELLED");
            assertThat(worker.leases().heartbeat(org, id, "evaluate", 80)).as("the worker learns at its next heartbeat")
                    .isEqualTo(JobLeases.Heartbeat.CANCELLED);
            assertThat(get(client, "/api/v1/models/train/" + id, key).json().get("status").asText()).isEqualTo("CANCELLED");

            String queued = post(client, "/api/v1/models/train", key, "{\"algorithm\": \"als\", \"params\": {\"rank\": 8}}")
                    .json().get("request_id").asText();
            assertThat(call(client, "DELETE", "/api/v1/models/train/" + queued, adminKey, null).json().get("status").asText())
                    .as("an admin may cancel any of the org's requests").isEqualTo("CANCELLED");
        });
    }

    @Test
    void aConsoleMemberWithoutAKeyIsNotTheRequesterOfAKeysRequest() throws Exception {
        String org = stack.org("keyless-canceller", "enterprise");
        String key = stack.key(org, "read", "write");
        javax.sql.DataSource ds = stack.stores().dataSource();
        ModelRegistry registry = new ModelRegistry(ds, stack.plans);
        JavalinTest.test(stack.app(), (server, client) -> {
            // The console builds its ModelService this way and acts for a signed-in member: no key, so keyId is null.
            ModelService models = new ModelService(registry,
                    new ModelSwitch(ds, registry, new RedisOnlineStore(stack.stores().jedis(), stack.stores().redisWhere()), ModelService::audit),
                    new TrainingQueue(ds, stack.plans), io.tunetrail.api.ServingApp.webhooks(server));
            String id = post(client, "/api/v1/models/train", key, "{\"algorithm\": \"als\", \"params\": {\"rank\": 8}}")
                    .json().get("request_id").asText();
            Principal member = new Principal(org, null, null, Set.of(Scope.READ, Scope.WRITE), stack.plans.plan("enterprise"), false,
                    "member-1", Role.MEMBER, null);
            ApiException refused = catchThrowableOfType(ApiException.class, () -> models.cancel(member, id));
            assertThat(refused).as("a keyless member is refused, not a null pointer").isNotNull();
            assertThat(refused.code()).isEqualTo("not_requester");
            assertThat(get(client, "/api/v1/models/train/" + id, key).json().get("status").asText()).isEqualTo("QUEUED");

            Principal admin = new Principal(org, null, null, Set.of(Scope.READ, Scope.WRITE, Scope.ADMIN), stack.plans.plan("enterprise"), false,
                    "member-2", Role.ADMIN, null);
            assertThat(models.cancel(admin, id).status().name()).isEqualTo("CANCELLED");
        });
    }
}
