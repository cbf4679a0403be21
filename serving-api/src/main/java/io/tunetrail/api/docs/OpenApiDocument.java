package io.tunetrail.api.docs;

import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.http.CostsController;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlanTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of the API, generated from the same {@link ApiRoute} list the app registers, so every
 * route is described and none that does not exist. Request bodies are described from their request records and every
 * 2xx answer from its response type ({@link ApiRoute#returns}), with an example generated from the same type; each
 * operation lists the plans that may call it ({@code x-required-plans}) and the refusals it can give; the description
 * carries the catalog's plan table ({@link PlanTable}, as in the README).
 */
public final class OpenApiDocument {
    private OpenApiDocument() {}

    public static Map<String, Object> build(List<ApiRoute> routes, PlanCatalog plans, Map<String, Class<?>> requestSchemas) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "TuneTrail API", "version", "1",
                "description", "Recommendations, catalog, interactions and analytics for your listeners. Authenticate with "
                        + "'Authorization: Bearer <key>' or 'X-API-Key: <key>'. Errors are application/problem+json; plan "
                        + "refusals (402) and exhausted quotas (429) have fixed bodies. Every metered response carries "
                        + "RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.\n\n"
                        // The same table as the README's, from the catalog this API enforces, so a client reads the
                        // quotas, rates, model policy and cost caps of each plan where it reads the operations.
                        + "What each plan may do (from the plan catalog, config/plans.yaml):\n\n" + PlanTable.render(plans)));
        RecordSchemas responses = new RecordSchemas(new java.util.TreeSet<>(requestSchemas.keySet()));
        Map<String, Map<String, Object>> paths = new LinkedHashMap<>();
        for (ApiRoute route : routes) {
            paths.computeIfAbsent(route.path(), p -> new LinkedHashMap<>())
                    .put(route.method().name().toLowerCase(Locale.ROOT), operation(route.requireResponse(), plans, responses));
        }
        doc.put("paths", paths);
        Map<String, Object> schemas = new LinkedHashMap<>();
        schemas.put("Problem", object(Map.of("type", str(), "title", str(), "status", integer(), "detail", str(), "code", str(), "field", str())));
        schemas.put("PlanUpgradeRequired", object(Map.of("error", str(), "message", str(), "current_plan", str(),
                "required_plans", Map.of("type", "array", "items", str()), "upgrade_url", str(), "feature_description", str())));
        schemas.put("UsageLimitExceeded", object(Map.of("error", str(), "resource", str(), "limit", integer(), "current_usage", integer(),
                "resets_at", Map.of("type", "string", "format", "date-time"), "upgrade_message", str())));
        schemas.put("CostCapReached", object(Map.of("type", str(), "title", str(), "status", integer(), "detail", str(), "code", str(),
                "spent_usd", Map.of("type", "number"), "held_usd", Map.of("type", "number"), "cap_usd", Map.of("type", "number"),
                "resets_at", Map.of("type", "string", "format", "date-time"))));
        requestSchemas.forEach((name, type) -> schemas.put(name, RecordSchemas.request(type)));
        schemas.putAll(responses.components());
        doc.put("components", Map.of("schemas", schemas, "securitySchemes", Map.of(
                "bearer", Map.of("type", "http", "scheme", "bearer"),
                "apiKey", Map.of("type", "apiKey", "in", "header", "name", "X-API-Key"))));
        return doc;
    }

    /** The operation id of a route: its method and path, e.g. {@code get_api_v1_ml_daily_mix}. */
    public static String operationId(ApiRoute route) {
        return (route.method().name().toLowerCase(Locale.ROOT) + route.path()).replaceAll("[^A-Za-z0-9]+", "_");
    }

    private static Map<String, Object> operation(ApiRoute route, PlanCatalog plans, RecordSchemas schemas) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("tags", List.of(route.tag()));
        op.put("summary", route.summary());
        op.put("operationId", operationId(route));
        List<Map<String, Object>> params = new ArrayList<>();
        for (String p : route.pathParams()) {
            params.add(Map.of("name", p, "in", "path", "required", true, "schema", str()));
        }
        for (String q : route.queryParams()) {
            params.add(q.equals(Gate.MODEL_PARAM) && route.gate().modelChoice() ? modelParameter(plans)
                    : Map.of("name", q, "in", "query", "required", false, "schema", q.equals("limit") ? integer() : str()));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (route.requestSchema() != null) {
            op.put("requestBody", Map.of("required", true, "content", Map.of("application/json",
                    Map.of("schema", Map.of("$ref", "#/components/schemas/" + route.requestSchema())))));
        }
        Gate gate = route.gate();
        Map<String, Object> responses = new LinkedHashMap<>();
        for (int status : route.successStatuses()) {
            responses.put(Integer.toString(status), success(route.response(), status, schemas));
        }
        responses.put("400", problem("Invalid input; 'field' names it"));
        if (!gate.isPublic()) {
            op.put("security", List.of(Map.of("bearer", List.of()), Map.of("apiKey", List.of())));
            responses.put("401", problem("Missing, unknown, revoked or expired API key"));
            responses.put("403", problem(gate.role() == null ? "The key lacks scope '" + gate.scope().wireName() + "'"
                    : "The key lacks scope '" + gate.scope().wireName() + "' (insufficient_scope), or its member's role is below "
                            + gate.role().wireName() + " (insufficient_role)"));
            if (gate.role() != null) {
                op.put("x-required-role", gate.role().wireName());
            }
            List<String> allowed = gate.feature() == null ? plans.plans().stream().map(PlanCatalog.Plan::id).toList() : plans.plansWith(gate.feature());
            op.put("x-required-plans", allowed);
            op.put("x-required-scope", gate.scope().wireName());
            if (gate.feature() != null && allowed.size() < plans.plans().size()) {
                responses.put("402", Map.of("description", "Plan upgrade required: needs " + gate.feature(), "content",
                        Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/PlanUpgradeRequired")))));
            }
            if (gate.modelChoice()) {
                responses.put("402", Map.of("description", "Plan upgrade required: needs " + gate.feature() + ", or model= names a family "
                        + "outside the plan's model ladder", "content",
                        Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/PlanUpgradeRequired")))));
                responses.put("409", problem("model_not_trained (the family model= names has no active version for your org), "
                        + "model_not_chosen (the nightly choice serves your org's lists from another family, which the detail names) "
                        + "or model_not_served (this API cannot read that family's lists yet)"));
            }
            if (CostsController.CAPPED_ROUTES.contains(route.method().name() + " " + route.path())) {
                Map<String, Object> content = new LinkedHashMap<>();
                if (responses.get("402") instanceof Map<?, ?> upgrade && upgrade.get("content") instanceof Map<?, ?> c) {
                    c.forEach((type, schema) -> content.put((String) type, schema));
                }
                content.put("application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/CostCapReached")));
                responses.put("402", Map.of("description", (responses.containsKey("402") ? "Plan upgrade required (application/json), or " : "")
                        + "cost_cap_reached: the org's month-to-date cost has reached its plan's hard-stop cap (application/problem+json)",
                        "content", content));
            }
            if (gate.resource() != null) {
                op.put("x-metered-resource", gate.resource());
                // One schema per media type: the two bodies share no required field, so a oneOf of them would match both.
                responses.put("429", Map.of("description", "Quota exhausted (UsageLimitExceeded, application/json) or rate limited "
                        + "(Problem, application/problem+json); see Retry-After", "content", Map.of(
                                "application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/UsageLimitExceeded")),
                                "application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/Problem")))));
            }
        }
        if (!route.pathParams().isEmpty()) {
            responses.put("404", problem("No such object in your org"));
        }
        responses.put("413", problem("Request body too large"));
        op.put("responses", responses);
        return op;
    }

    /** {@code ?model=}: the catalog's model families, with the plans whose ladder includes each. */
    private static Map<String, Object> modelParameter(PlanCatalog plans) {
        StringBuilder ladder = new StringBuilder("The model family to answer from (default: the org's active model, then fallbacks). "
                + "A family outside your plan's ladder answers 402; one without a trained version 409.");
        for (PlanCatalog.ModelFamily f : plans.modelFamilies()) {
            ladder.append(' ').append(f.name()).append(" (").append(f.tier()).append("): ")
                    .append(String.join(", ", plans.plansServing(f.name()))).append('.');
        }
        return Map.of("name", Gate.MODEL_PARAM, "in", "query", "required", false, "description", ladder.toString(),
                "schema", Map.of("type", "string", "enum", plans.modelFamilies().stream().map(PlanCatalog.ModelFamily::name).toList()));
    }

    private static Map<String, Object> success(ApiRoute.Response response, int status, RecordSchemas schemas) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("description", status == 202 ? "Accepted" : status == 201 ? "Created" : status == 204 ? "No content" : "Success");
        if (response.isJson()) {
            answer.put("content", Map.of(response.mediaType(), Map.of("schema", schemas.response(response.type()),
                    "example", RecordSchemas.example(response.type()))));
        } else if (response.mediaType() != null) {
            answer.put("content", Map.of(response.mediaType(), Map.of("schema", str())));
        }
        return answer;
    }

    private static Map<String, Object> problem(String description) {
        return Map.of("description", description, "content",
                Map.of("application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/Problem"))));
    }

    private static Map<String, Object> object(Map<String, ?> properties) {
        return Map.of("type", "object", "properties", properties);
    }

    private static Map<String, Object> str() {
        return Map.of("type", "string");
    }

    private static Map<String, Object> integer() {
        return Map.of("type", "integer");
    }

}
