package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static io.tunetrail.api.testing.Http.trackIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.Database;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.PlatformModelFreeze;
import io.tunetrail.store.testing.LockWaiters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /api/v1/models/rollback and POST /api/v1/models/pin change what the very next request is served, through the
 * API against the real PostgreSQL and Redis; two racing rollbacks go back one version.
 */
class ModelRollbackIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    /** An org on {@code plan} with als versions 1.0 .. 1.(n-1) promoted in turn, each with its Redis list; returns the org. */
    private static String orgWithVersions(String name, String plan, int n) {
        String org = stack.org(name, plan);
        ModelRegistry registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
        RedisOnlineStore online = stack.redis.store();
        for (int i = 0; i < n; i++) {
            ModelVersion v = registry.register(org, "als", Map.of("rank", 8), Map.of());
            online.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, v.label(), List.of(new FeatureRow("u-1",
                    Map.of("track_ids", List.of("t-" + i), "scores", List.of(1.0), "model_version", v.label()))));
            registry.promote(v.id());
            online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, v.label());
        }
        return org;
    }

    @Test
    void aRollbackIsServedByTheNextRequestAndSaysWhoMadeIt() {
        String org = orgWithVersions("rollback", "starter", 3);
        String admin = stack.key(org, "admin");
        String reader = stack.key(org, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", reader).json().get("model_version").asText()).isEqualTo("1.2");
            assertProblem(post(client, "/api/v1/models/rollback", reader, "{}"), 403, "insufficient_scope", null);

            Http.Answer done = post(client, "/api/v1/models/rollback", admin, "{}");
            assertThat(done.status()).as(done.text()).isEqualTo(200);
            assertThat(done.json().get("action").asText()).isEqualTo("rollback");
            assertThat(done.json().get("from").get("version").asText()).isEqualTo("1.2");
            assertThat(done.json().get("to").get("version").asText()).isEqualTo("1.1");
            assertThat(done.json().get("changed_by_key").asText()).isNotBlank();
            assertThat(done.json().get("changed_at").asText()).isNotBlank();
            assertThat(done.json().get("online_rows").asBoolean()).isTrue();

            Http.Answer mix = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", reader);
            assertThat(mix.json().get("model_version").asText()).as("no nightly run in between").isEqualTo("1.1");
            assertThat(trackIds(mix.json())).containsExactly("t-1");

            assertProblem(post(client, "/api/v1/models/rollback", admin, "{\"from_version\": \"1.2\"}"), 409, "rollback_conflict", null);
            assertProblem(post(client, "/api/v1/models/rollback", admin, "{\"from_version\": \"one\"}"), 400, "invalid_field", "from_version");
            assertProblem(post(client, "/api/v1/models/rollback", admin, "{\"steps\": 2}"), 400, "unknown_field", "steps");
            assertThat(post(client, "/api/v1/models/rollback", admin, "{\"from_version\": \"1.1\"}").json().get("to").get("version").asText())
                    .isEqualTo("1.0");
            assertProblem(post(client, "/api/v1/models/rollback", admin, "{}"), 409, "conflict", null);

            // Each rollback that happened is in the org's audit log, with its key; the refused ones are not.
            Http.Answer log = get(client, "/api/v1/audit-log?action=model", admin);
            assertThat(log.status()).as(log.text()).isEqualTo(200);
            assertThat(log.json().get("entries")).hasSize(2).allSatisfy(e -> {
                assertThat(e.get("action").asText()).isEqualTo("model.rolled_back");
                assertThat(e.get("actor_id").asText()).isEqualTo(done.json().get("changed_by_key").asText());
            });
            assertThat(log.json().get("entries").get(0).get("details").get("from_version").asText()).isEqualTo("1.1");
            assertThat(log.json().get("entries").get(0).get("details").get("to_version").asText()).isEqualTo("1.0");
        });
    }

    @Test
    void anOrgWithoutModelsHasNothingToRollBack() {
        String org = stack.org("no-models", "starter");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(), (server, client) ->
                assertProblem(post(client, "/api/v1/models/rollback", admin, "{}"), 409, "nothing_to_roll_back", null));
    }

    @Test
    void twoRollbacksAtOnceGoBackOneVersion() throws Exception {
        String org = orgWithVersions("race", "starter", 4);
        String admin = stack.key(org, "admin");
        try (HikariDataSource pool = Database.connect(stack.db.config(), 2)) {
            JavalinTest.test(stack.app(), (server, client) -> {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                try (Connection holder = pool.getConnection()) {
                    // Both requests read the active version (1.3), then wait on the lineage's lock that this holds.
                    holder.setAutoCommit(false);
                    try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('model:' || ? || ':als'))")) {
                        ps.setString(1, org);
                        ps.execute();
                    }
                    for (int i = 0; i < 2; i++) {
                        calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(client.getOrigin() + "/api/v1/models/rollback"))
                                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
                    }
                    LockWaiters.await(holder, 2);
                    holder.rollback();
                }
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<HttpResponse<String>> c : calls) {
                    HttpResponse<String> r = c.join();
                    statuses.add(r.statusCode());
                    if (r.statusCode() == 409) {
                        assertThat(r.body()).contains("rollback_conflict").contains("\\\"from_version\\\": \\\"1.2\\\"");
                    }
                }
                assertThat(statuses).containsExactlyInAnyOrder(200, 409);
                assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", admin).json().get("model_version").asText()).isEqualTo("1.2");
            });
        }
    }

    @Test
    void aPinIsServedAtOnceThroughBothRoutesAndRefusedWhileThePlatformIsFrozen() {
        String org = orgWithVersions("pin", "enterprise", 3);
        String admin = stack.key(org, "admin");
        List<ModelVersion> versions = new ModelRegistry(stack.db.dataSource(), stack.plans).versions(org, "als");
        long v10 = versions.get(2).id();
        long v11 = versions.get(1).id();
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer pinned = post(client, "/api/v1/models/pin", admin, "{\"version_id\": " + v10 + "}");
            assertThat(pinned.status()).as(pinned.text()).isEqualTo(200);
            assertThat(pinned.json().get("to").get("version").asText()).isEqualTo("1.0");
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", admin).json().get("model_version").asText()).isEqualTo("1.0");
            assertThat(get(client, "/api/v1/models/policy", admin).json().get("pinned_version_id").asLong()).isEqualTo(v10);

            assertThat(call(client, "PUT", "/api/v1/models/policy", admin, "{\"pinned_version_id\": " + v11 + "}").status()).isEqualTo(200);
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", admin).json().get("model_version").asText())
                    .as("PUT /models/policy pins at once too").isEqualTo("1.1");

            assertProblem(post(client, "/api/v1/models/pin", admin, "{\"version_id\": 999999}"), 404, "not_found", null);
            assertProblem(post(client, "/api/v1/models/pin", admin, "{}"), 400, "missing_field", "version_id");

            PlatformModelFreeze freeze = new PlatformModelFreeze(stack.db.dataSource());
            freeze.set(true, "incident", "test");
            try {
                Http.Answer refused = post(client, "/api/v1/models/pin", admin, "{\"version_id\": " + v10 + "}");
                assertProblem(refused, 409, "conflict", null);
                assertThat(refused.json().get("detail").asText()).contains("frozen");
                assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=1", admin).json().get("model_version").asText()).isEqualTo("1.1");
            } finally {
                freeze.set(false, "", "test");
            }
        });
    }

}
