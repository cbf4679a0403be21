package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiContract;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlanTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every gated route of the OpenAPI document (which is generated from the route table, so it lists every route) ×
 * every plan of the catalog: 402 with the exact body exactly when the plan lacks the route's feature. And the document
 * as a contract: every operation declares its success answer (a schema with an example that the schema accepts, a
 * media type, or no body), and {@link ApiContract}, which checks every answer the ITs receive, refuses an answer that
 * drifted from it, naming the operation, the status and the JSON pointer.
 */
class PlanGatesIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void everyGatedRouteTimesEveryPlan() {
        Map<String, String> keyByPlan = new LinkedHashMap<>();
        for (PlanCatalog.Plan plan : stack.plans.plans()) {
            String org = stack.org("gate-" + plan.id(), plan.id(), plan.edition().equals("community") ? "community" : "cloud");
            keyByPlan.put(plan.id(), stack.key(org, "admin"));
        }
        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode doc = get(client, "/api/docs", null).json();
            int gated = 0;
            int refusals = 0;
            List<String> failures = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    JsonNode allowed = op.getValue().get("x-required-plans");
                    if (allowed == null) {
                        continue;
                    }
                    gated++;
                    List<String> allowedPlans = new ArrayList<>();
                    allowed.forEach(p -> allowedPlans.add(p.asText()));
                    String url = path.getKey().replaceAll("\\{[a-z_]+}", "no-such-id");
                    String method = op.getKey().toUpperCase();
                    for (Map.Entry<String, String> plan : keyByPlan.entrySet()) {
                        Http.Answer a = call(client, method, url, plan.getValue(), method.equals("GET") || method.equals("DELETE") ? null : "{}");
                        String what = method + " " + path.getKey() + " on " + plan.getKey() + ": " + a.status() + " " + a.text();
                        if (allowedPlans.contains(plan.getKey())) {
                            if (a.status() == 402 || a.status() == 401 || a.status() == 403 || a.status() >= 500) {
                                failures.add("allowed but " + what);
                            }
                        } else {
                            refusals++;
                            if (a.status() != 402) {
                                failures.add("expected 402, got " + what);
                                continue;
                            }
                            JsonNode body = a.json();
                            List<String> fields = new ArrayList<>();
                            body.fieldNames().forEachRemaining(fields::add);
                            if (!fields.equals(List.of("error", "message", "current_plan", "required_plans", "upgrade_url", "feature_description"))
                                    || !body.get("error").asText().equals("Plan upgrade required")
                                    || !body.get("current_plan").asText().equals(plan.getKey())
                                    || !body.get("required_plans").equals(allowed)
                                    || !body.get("upgrade_url").asText().equals(stack.plans.upgradeUrl())
                                    || body.get("feature_description").asText().isBlank()
                                    || body.get("message").asText().isBlank()) {
                                failures.add("wrong 402 body for " + what);
                            }
                        }
                    }
                }
            }
            assertThat(failures).isEmpty();
            assertThat(gated).as("gated operations in the document").isGreaterThan(30);
            assertThat(refusals).as("plan refusals exercised").isGreaterThanOrEqualTo(10);
        });
    }

    @Test
    void theDocumentIsOpenApi31AndThePageIsSelfContained() {
        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode doc = get(client, "/api/docs", null).json();
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(doc.get("paths").has("/api/v1/ml/daily-mix")).isTrue();
            assertThat(doc.get("paths").get("/api/v1/ml/daily-mix").get("get").get("x-required-plans").toString())
                    .isEqualTo("[\"starter\",\"pro\",\"enterprise\"]");
            assertThat(doc.get("components").get("schemas").get("CreateKeyRequest").get("properties").has("expires_at")).isTrue();
            assertThat(doc.get("info").get("description").asText()).as("the plan table of the catalog the API enforces")
                    .contains(PlanTable.render(stack.plans))
                    .contains("| requests per key (per minute / per second / burst) |").contains("$500, alert only");
            Http.Answer page = get(client, "/api/docs/ui", null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("fetch('/api/docs')").doesNotContain("https://cdn").doesNotContain("<script src=");
        });
    }

    @Test
    void everyOperationDeclaresItsSuccessWithASchemaAndAnExampleItAccepts() {
        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode doc = get(client, "/api/docs", null).json();
            ApiContract contract = new ApiContract(doc);
            List<String> problems = new ArrayList<>();
            int operations = 0;
            int typed = 0;
            for (Map.Entry<String, JsonNode> path : (Iterable<Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
                for (Map.Entry<String, JsonNode> op : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                    operations++;
                    String name = op.getKey().toUpperCase() + " " + path.getKey();
                    List<Map.Entry<String, JsonNode>> successes = new ArrayList<>();
                    op.getValue().get("responses").fields().forEachRemaining(r -> {
                        if (r.getKey().startsWith("2")) {
                            successes.add(r);
                        }
                    });
                    if (successes.isEmpty()) {
                        problems.add(name + " declares no 2xx");
                    }
                    for (Map.Entry<String, JsonNode> success : successes) {
                        JsonNode content = success.getValue().get("content");
                        if (content == null) {
                            if (!success.getKey().equals("204")) {
                                problems.add(name + " " + success.getKey() + " declares no body");
                            }
                            continue;
                        }
                        JsonNode json = content.get("application/json");
                        if (json == null) {
                            continue; // HTML, Prometheus text
                        }
                        typed++;
                        JsonNode schema = json.get("schema");
                        // Only the document itself is free-form (OpenAPI's meta-schema describes it); a client gets a map for anything else so.
                        if (schema.size() == 1 && "object".equals(schema.path("type").asText()) && !path.getKey().equals("/api/docs")) {
                            problems.add(name + " " + success.getKey() + " answers an untyped object");
                        }
                        if (!json.has("example")) {
                            problems.add(name + " " + success.getKey() + " has no example");
                            continue;
                        }
                        contract.compile(json.get("schema")).validate(json.get("example"))
                                .forEach(m -> problems.add(name + " " + success.getKey() + " example at " + m.getInstanceLocation() + ": " + m.getMessage()));
                    }
                }
            }
            assertThat(problems).isEmpty();
            assertThat(operations).isGreaterThanOrEqualTo(99);
            assertThat(typed).isGreaterThanOrEqualTo(90);
            System.out.printf("OpenAPI contract: %d operations, %d JSON success answers typed%n", operations, typed);
            JsonNode item = doc.at("/components/schemas/Item");
            assertThat(item.at("/properties/score/type").asText()).isEqualTo("number");
            assertThat(doc.at("/paths/~1api~1v1~1ml~1daily-mix/get/responses/200/content/application~1json/schema/$ref").asText())
                    .isEqualTo("#/components/schemas/Recommendations");
        });
    }

    @Test
    void anAnswerThatDriftedFromTheDocumentFailsNamingTheOperationStatusAndPointer() {
        JavalinTest.test(stack.app(), (server, client) -> {
            ApiContract contract = new ApiContract(get(client, "/api/docs", null).json());
            String good = "{\"model_version\": \"als-1.0\", \"family\": \"als\", \"items\": [{\"track_id\": \"t1\", \"score\": 0.9, \"reason\": \"r\", "
                    + "\"source\": \"model\"}], \"next_cursor\": null, \"experiment\": null}";
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good)).isEmpty();

            List<String> wrongType = contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("0.9", "\"high\""));
            assertThat(wrongType).singleElement().asString().contains("get_api_v1_ml_daily_mix").contains("answered 200")
                    .contains("/items/0/score");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("\"next_cursor\": null,", "")))
                    .singleElement().asString().contains("next_cursor");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 200, "application/json", good.replace("{\"model_version\"",
                    "{\"surprise\": 1, \"model_version\""))).singleElement().asString().contains("surprise");
            assertThat(contract.check("GET", "/api/v1/ml/daily-mix", 201, "application/json", good)).singleElement().asString()
                    .contains("a success the document does not declare");
            assertThat(contract.check("GET", "/api/v1/tracks/top", 200, "text/html", "<p>")).singleElement().asString()
                    .contains("get_api_v1_tracks_top");
            assertThat(contract.check("DELETE", "/api/v1/tracks/t1", 204, null, "")).isEmpty();
            assertThatThrownBy(() -> contract.require("GET", "/api/v1/tracks/t1", 200, "application/json", "{\"track_id\": 5}"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("get_api_v1_tracks_track_id_").hasMessageContaining("/track_id");
        });
    }
}
