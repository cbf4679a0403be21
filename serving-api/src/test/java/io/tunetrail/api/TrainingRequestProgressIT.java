package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.registry.TrainingQueue;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A training request's progress through the API while a worker runs it, and DELETE stopping it midway. */
class TrainingRequestProgressIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void aRunningRequestShowsItsWorkerAndProgressAndDeleteCancelsIt() throws Exception {
        String org = stack.org("trainer", "enterprise");
        String key = stack.key(org, "read", "write");
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

            assertThat(call(client, "DELETE", "/api/v1/models/train/" + id, key, null).json().get("status").asText()).isEqualTo("CANCELLED");
            assertThat(worker.leases().heartbeat(org, id, "evaluate", 80)).as("the worker learns at its next heartbeat")
                    .isEqualTo(JobLeases.Heartbeat.CANCELLED);
            assertThat(get(client, "/api/v1/models/train/" + id, key).json().get("status").asText()).isEqualTo("CANCELLED");
        });
    }
}
