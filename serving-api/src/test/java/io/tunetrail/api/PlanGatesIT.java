package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.model.PlanCatalog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every gated route of the OpenAPI document (which is generated from the route table, so it lists every route) ×
 * every plan of the catalog: 402 with the exact body exactly when the plan lacks the route's feature.
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
            Http.Answer page = get(client, "/api/docs/ui", null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("fetch('/api/docs')").doesNotContain("https://cdn").doesNotContain("<script src=");
        });
    }
}
