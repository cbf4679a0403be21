package io.tunetrail.api.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.tunetrail.api.limits.Gate;
import java.util.List;

/**
 * One route of the API: method, path, gate, handler, and what the OpenAPI document says about it. The app
 * registers exactly these and the document is generated from exactly these, so it cannot miss a route.
 */
public record ApiRoute(HandlerType method, String path, Gate gate, String tag, String summary, List<String> queryParams,
        String requestSchema, int successStatus, Handler handler) {
    /** The path parameter of team-scoped routes. */
    public static final String TEAM_ID = "team_id";

    public ApiRoute {
        java.util.Objects.requireNonNull(gate, () -> path + " declares no gate (an open route uses Gate.PUBLIC)");
        if (path.contains("{" + TEAM_ID + "}") && !TEAM_ID.equals(gate.teamParam())) {
            throw new IllegalArgumentException(path + " is about one team but its gate is not team-scoped, so a team's key could "
                    + "reach other teams through it; declare the gate with .forTeam(\"" + TEAM_ID + "\")");
        }
    }

    public static ApiRoute get(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.GET, path, gate, tag, summary, List.of(), null, 200, handler);
    }

    public static ApiRoute post(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.POST, path, gate, tag, summary, List.of(), null, 200, handler);
    }

    public static ApiRoute put(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.PUT, path, gate, tag, summary, List.of(), null, 200, handler);
    }

    public static ApiRoute delete(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.DELETE, path, gate, tag, summary, List.of(), null, 200, handler);
    }

    /** The same route, documenting these query parameters. */
    public ApiRoute query(String... names) {
        return new ApiRoute(method, path, gate, tag, summary, List.of(names), requestSchema, successStatus, handler);
    }

    /** The same route, documenting a JSON request body of this schema (a name under components/schemas). */
    public ApiRoute body(String schema) {
        return new ApiRoute(method, path, gate, tag, summary, queryParams, schema, successStatus, handler);
    }

    public ApiRoute status(int status) {
        return new ApiRoute(method, path, gate, tag, summary, queryParams, requestSchema, status, handler);
    }

    /** The path parameters, in order ({@code {id}} segments). */
    public List<String> pathParams() {
        return java.util.Arrays.stream(path.split("/")).filter(s -> s.startsWith("{") && s.endsWith("}"))
                .map(s -> s.substring(1, s.length() - 1)).toList();
    }
}
