package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.testing.CappedPlans;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/usage/costs and the cost cap's 402 on POST /api/v1/models/train, against the real PostgreSQL. */
class CostsIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack(Instant.parse("2026-12-06T10:00:00Z"));

    static final CostCatalog PRICES = CostCatalog.load();

    @TempDir
    static Path dir;

    static PlanCatalog capped;

    @BeforeAll
    static void plans() throws Exception {
        capped = CappedPlans.enterpriseCapped(Path.of(".."), dir);
    }

    /** The app with enterprise capped at $10 with a hard stop. */
    static Javalin app() {
        return ServingApp.create(stack.stores(), stack.clock, new ApiSettings(capped, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0));
    }

    static void cost(String org, String kind, String job, String day, double cpuSeconds, String usd) {
        stack.sql().update("seeding a cost", "INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES (?, ?, ?, ?::date, ?, ?::numeric)",
                ps -> {
                    ps.setString(1, org);
                    ps.setString(2, kind);
                    ps.setString(3, job);
                    ps.setString(4, day);
                    ps.setDouble(5, cpuSeconds);
                    ps.setString(6, usd);
                });
    }

    static void calls(String org, String resource, String day, long units) {
        stack.sql().update("seeding the ledger", "INSERT INTO usage_ledger (org_id, api_key_id, resource, period, period_start, units) "
                + "VALUES (?, NULL, ?, 'day', ?::date, ?)", ps -> {
                    ps.setString(1, org);
                    ps.setString(2, resource);
                    ps.setString(3, day);
                    ps.setLong(4, units);
                });
    }

    @Test
    void concurrentTrainingRequestsAtTheCapDoNotAllPass() throws Exception {
        String org = stack.org("capped", "enterprise");
        String key = stack.key(org, "read", "write");
        double hold = PRICES.holdUsd("training");
        cost(org, "training", "earlier", "2026-12-02", 1, Double.toString(CappedPlans.CAP_USD - 1.5 * hold));
        JavalinTest.test(app(), (server, client) -> {
            int threads = 6;
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return post(client, "/api/v1/models/train", key, "{\"algorithm\": \"als\"}");
                }));
            }
            List<Http.Answer> done = new ArrayList<>();
            for (Future<Http.Answer> f : answers) {
                done.add(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertThat(done).filteredOn(a -> a.status() == 202).hasSize(2);
            List<Http.Answer> refused = done.stream().filter(a -> a.status() != 202).toList();
            assertThat(refused).hasSize(threads - 2);
            for (Http.Answer a : refused) {
                assertProblem(a, 402, "cost_cap_reached", null);
                assertThat(a.json().get("spent_usd").decimalValue()).isEqualByComparingTo(Double.toString(CappedPlans.CAP_USD - 1.5 * hold));
                assertThat(a.json().get("held_usd").decimalValue()).isEqualByComparingTo(Double.toString(2 * hold));
                assertThat(a.json().get("cap_usd").decimalValue()).isEqualByComparingTo(Integer.toString(CappedPlans.CAP_USD));
                assertThat(a.json().get("resets_at").asText()).isEqualTo("2027-01-01T00:00:00Z");
            }
            long queued = stack.sql().one("count", "SELECT count(*) FROM training_requests WHERE org_id = ?", ps -> ps.setString(1, org),
                    rs -> rs.getLong(1)).orElseThrow();
            assertThat(queued).isEqualTo(2);
        });
    }

    @Test
    void aBatchAudioJobAtAHardStopCapIsRefusedBeforeAnythingIsKept() {
        String org = stack.org("capped-audio", "enterprise");
        String key = stack.key(org, "read", "write");
        String body = "{\"files\": [{\"key\": \"" + org + "/a.wav\"}]}";
        cost(org, "audio_analysis", "earlier", "2026-12-02", 1, Double.toString(CappedPlans.CAP_USD - 0.01));
        JavalinTest.test(app(), (server, client) -> {
            Http.Answer below = post(client, "/api/v1/audio/batch-analyze", key, body);
            assertThat(below.status()).as(below.text()).isEqualTo(202);
            cost(org, "audio_analysis", "later", "2026-12-02", 1, "0.01");
            Http.Answer at = post(client, "/api/v1/audio/batch-analyze", key, body);
            assertProblem(at, 402, "cost_cap_reached", null);
            assertThat(at.json().get("cap_usd").decimalValue()).isEqualByComparingTo(Integer.toString(CappedPlans.CAP_USD));
            long jobs = stack.sql().one("count", "SELECT count(*) FROM audio_jobs WHERE org_id = ?", ps -> ps.setString(1, org),
                    rs -> rs.getLong(1)).orElseThrow();
            assertThat(jobs).as("only the job below the cap").isEqualTo(1);
        });
    }

    @Test
    void costsAreListedByKindAndDayWithTheMonthAgainstTheCap() {
        String org = stack.org("costs", "enterprise");
        String other = stack.org("costs-other", "enterprise");
        String key = stack.key(org, "read", "write", "admin");
        cost(org, "training", "tr_a", "2026-12-02", 100, "1.25");
        cost(org, "training", "tr_b", "2026-12-02", 60, "0.75");
        cost(org, "nightly", "run-1/als", "2026-12-03", 40, "0.5");
        cost(org, "training", "tr_old", "2026-11-28", 10, "3");
        cost(other, "training", "tr_x", "2026-12-02", 10, "7");
        calls(org, "api_calls", "2026-12-03", 10_000);
        JavalinTest.test(app(), (server, client) -> {
            Http.Answer month = get(client, "/api/v1/usage/costs", key);
            assertThat(month.status()).as(month.text()).isEqualTo(200);
            JsonNode body = month.json();
            assertThat(body.get("from").asText()).isEqualTo("2026-12-01");
            assertThat(body.get("to").asText()).isEqualTo("2026-12-07");
            assertThat(body.get("days")).hasSize(3);
            JsonNode training = body.get("days").get(0);
            assertThat(training.get("day").asText()).isEqualTo("2026-12-02");
            assertThat(training.get("kind").asText()).isEqualTo("training");
            assertThat(training.get("runs").asLong()).isEqualTo(2);
            assertThat(training.get("cpu_seconds").asDouble()).isEqualTo(160.0);
            assertThat(training.get("usd").decimalValue()).isEqualByComparingTo("2");
            JsonNode api = body.get("days").get(2);
            assertThat(api.get("source").asText()).isEqualTo("api");
            assertThat(api.get("kind").asText()).isEqualTo("api_calls");
            assertThat(api.get("units").asLong()).isEqualTo(10_000);
            double apiUsd = 10_000 * PRICES.perCallUsd("api_calls");
            assertThat(api.get("usd").decimalValue().doubleValue()).isEqualTo(apiUsd);
            assertThat(body.get("total_usd").decimalValue().doubleValue()).isEqualTo(2.5 + apiUsd);
            assertThat(body.get("by_kind")).extracting(k -> k.get("kind").asText()).containsExactly("training", "nightly", "api_calls");
            JsonNode m = body.get("month");
            assertThat(m.get("month").asText()).isEqualTo("2026-12");
            assertThat(m.get("spent_usd").decimalValue().doubleValue()).isEqualTo(2.5 + apiUsd);
            assertThat(m.get("cap_usd").decimalValue()).isEqualByComparingTo("10");
            assertThat(m.get("hard_stop").asBoolean()).isTrue();
            assertThat(m.get("percent_of_cap").decimalValue().doubleValue()).isEqualTo(Math.round((2.5 + apiUsd) * 1000) / 100.0);
            assertThat(m.get("resets_at").asText()).isEqualTo("2027-01-01T00:00:00Z");

            Http.Answer november = get(client, "/api/v1/usage/costs?from=2026-11-01&to=2026-12-01", key);
            assertThat(november.json().get("total_usd").decimalValue()).isEqualByComparingTo("3");
            assertThat(november.json().get("month").get("spent_usd").decimalValue().doubleValue()).isEqualTo(2.5 + apiUsd);
        });
    }

    @Test
    void badRangesAndTheWrongCallersAreRefused() {
        String org = stack.org("costs-refusals", "pro");
        String admin = stack.key(org, "read", "write", "admin");
        String reader = stack.key(org, "read");
        TeamStore teams = new TeamStore(stack.sql());
        String team = teams.createTeam(org, "team-costs", "Team costs").teamId();
        teams.addMember(org, team, "m-member", "member@costs.example", "member");
        String member = new ApiKeyStore(stack.sql()).create(org, null, "m-member", "member key", List.of("read", "write"), null).secret();
        String teamKey = new ApiKeyStore(stack.sql()).create(org, team, null, "team key", List.of("read", "write", "admin"), null).secret();
        JavalinTest.test(app(), (server, client) -> {
            assertProblem(get(client, "/api/v1/usage/costs?from=yesterday", admin), 400, "invalid_field", "from");
            assertProblem(get(client, "/api/v1/usage/costs?from=2026-12-05&to=2026-12-05", admin), 400, "invalid_field", "to");
            assertProblem(get(client, "/api/v1/usage/costs?from=2024-01-01&to=2026-01-01", admin), 400, "invalid_field", "from");
            assertProblem(get(client, "/api/v1/usage/costs", reader), 403, "insufficient_scope", null);
            assertProblem(get(client, "/api/v1/usage/costs", member), 403, "insufficient_role", null);
            assertProblem(get(client, "/api/v1/usage/costs", teamKey), 403, "team_key_not_allowed", null);
            // pro: a cap that only alerts
            JsonNode m = get(client, "/api/v1/usage/costs", admin).json().get("month");
            assertThat(m.get("cap_usd").decimalValue()).isEqualByComparingTo("500");
            assertThat(m.get("hard_stop").asBoolean()).isFalse();
        });
    }

    @Test
    void theApiDocumentDeclaresTheCapRefusalAndTheCostsRoute() {
        JavalinTest.test(app(), (server, client) -> {
            JsonNode doc = get(client, "/api/docs", null).json();
            JsonNode train = doc.get("paths").get("/api/v1/models/train").get("post").get("responses").get("402");
            assertThat(train.get("content").get("application/problem+json").get("schema").get("$ref").asText())
                    .isEqualTo("#/components/schemas/CostCapReached");
            assertThat(train.get("content").has("application/json")).as("the plan refusal stays").isTrue();
            assertThat(doc.get("paths").get("/api/v1/audio/batch-analyze").get("post").get("responses").get("402").get("content")
                    .get("application/problem+json").get("schema").get("$ref").asText()).isEqualTo("#/components/schemas/CostCapReached");
            assertThat(doc.get("paths").get("/api/v1/usage/costs").get("get").get("x-required-role").asText()).isEqualTo("admin");
            assertThat(doc.get("components").get("schemas").get("CostCapReached").get("properties").has("resets_at")).isTrue();
        });
    }
}
