package io.tunetrail.api.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.tunetrail.api.limits.Gate;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One route of the API: method, path, gate, handler, and what the OpenAPI document says about it. The app
 * registers exactly these and the document is generated from exactly these, so it cannot miss a route.
 *
 * <p>Every route declares what its 2xx answer carries ({@link #returns}, {@link #returnsMedia}, or a 204 status): the
 * app refuses to start with a route that does not ({@link #requireResponse}), so a generated client never gets an
 * untyped map.
 */
public record ApiRoute(HandlerType method, String path, Gate gate, String tag, String summary, List<String> queryParams,
        String requestSchema, List<Integer> successStatuses, Response response, Handler handler) {
    /** The path parameter of team-scoped routes. */
    public static final String TEAM_ID = "team_id";

    /**
     * What a 2xx answer carries: JSON of {@code type} (a record, or a list of records; the document's schema is
     * generated from it), a body of another media type (HTML, Prometheus text: no schema), or nothing (204).
     */
    public record Response(Type type, String mediaType) {
        public static final Response NOTHING = new Response(null, null);
        public static final String JSON = "application/json";

        public boolean isJson() {
            return type != null;
        }
    }

    public ApiRoute {
        Objects.requireNonNull(gate, () -> path + " declares no gate (an open route uses Gate.PUBLIC)");
        if (path.contains("{" + TEAM_ID + "}") && !TEAM_ID.equals(gate.teamParam())) {
            throw new IllegalArgumentException(path + " is about one team but its gate is not team-scoped, so a team's key could "
                    + "reach other teams through it; declare the gate with .forTeam(\"" + TEAM_ID + "\")");
        }
        successStatuses = List.copyOf(successStatuses);
    }

    public static ApiRoute get(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.GET, path, gate, tag, summary, List.of(), null, List.of(200), null, handler);
    }

    public static ApiRoute post(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.POST, path, gate, tag, summary, List.of(), null, List.of(200), null, handler);
    }

    public static ApiRoute put(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.PUT, path, gate, tag, summary, List.of(), null, List.of(200), null, handler);
    }

    public static ApiRoute delete(String path, Gate gate, String tag, String summary, Handler handler) {
        return new ApiRoute(HandlerType.DELETE, path, gate, tag, summary, List.of(), null, List.of(200), null, handler);
    }

    /** The same route, documenting these query parameters. */
    public ApiRoute query(String... names) {
        return new ApiRoute(method, path, gate, tag, summary, List.of(names), requestSchema, successStatuses, response, handler);
    }

    /** The same route, documenting a JSON request body of this schema (a name under components/schemas). */
    public ApiRoute body(String schema) {
        return new ApiRoute(method, path, gate, tag, summary, queryParams, schema, successStatuses, response, handler);
    }

    /** The same route answering these 2xx statuses (all with the same body); 204 alone means no body. */
    public ApiRoute status(int... statuses) {
        List<Integer> all = Arrays.stream(statuses).boxed().toList();
        Response r = response == null && all.equals(List.of(204)) ? Response.NOTHING : response;
        return new ApiRoute(method, path, gate, tag, summary, queryParams, requestSchema, all, r, handler);
    }

    /** The same route, answering JSON of this record type (the object the handler passes to {@code ctx.json}). */
    public ApiRoute returns(Class<?> type) {
        return withResponse(new Response(type, Response.JSON));
    }

    /** The same route, answering JSON of a generic record, e.g. {@code returns(Rows.class, SimilarUser.class)} for {@code Rows<SimilarUser>}. */
    public ApiRoute returns(Class<?> generic, Type... arguments) {
        return withResponse(new Response(parameterized(generic, arguments), Response.JSON));
    }

    /** The same route, answering JSON of one of these record types (which one depends on the request). */
    public ApiRoute returnsOneOf(Class<?>... types) {
        return withResponse(new Response(new OneOf(List.of(types)), Response.JSON));
    }

    /** A body that is one of several records: {@code oneOf} in the document. */
    public record OneOf(List<Class<?>> types) implements Type {
        public OneOf {
            types = List.copyOf(types);
        }
    }

    /** The same route, answering a body that is not JSON (an HTML page, Prometheus text): documented by media type alone. */
    public ApiRoute returnsMedia(String mediaType) {
        return withResponse(new Response(null, mediaType));
    }

    private ApiRoute withResponse(Response r) {
        return new ApiRoute(method, path, gate, tag, summary, queryParams, requestSchema, successStatuses, r, handler);
    }

    /** The first 2xx status the route answers. */
    public int successStatus() {
        return successStatuses.get(0);
    }

    /**
     * Refuses a route that does not say what its 2xx answer carries: the OpenAPI document could not describe it and a
     * client generated from the document would get an untyped map.
     */
    public ApiRoute requireResponse() {
        if (response == null) {
            String lambda = handler.getClass().getName();
            String declaredIn = lambda.contains("$$") ? lambda.substring(0, lambda.indexOf("$$")) : lambda;
            throw new IllegalStateException(method + " " + path + " (its handler is in " + declaredIn + ") does not say what its "
                    + successStatuses + " answer carries, so the OpenAPI document cannot describe it. Chain .returns(TheRecord.class) "
                    + "onto its ApiRoute (the record its handler passes to ctx.json; for a Map or raw JSON today, introduce a record), "
                    + ".returns(Generic.class, Arg.class) for a generic record, .returnsMedia(\"text/html\") for a body that is not JSON, "
                    + "or .status(204) when it answers no body");
        }
        return this;
    }

    /** The path parameters, in order ({@code {id}} segments). */
    public List<String> pathParams() {
        return Arrays.stream(path.split("/")).filter(s -> s.startsWith("{") && s.endsWith("}"))
                .map(s -> s.substring(1, s.length() - 1)).toList();
    }

    private static ParameterizedType parameterized(Class<?> raw, Type... arguments) {
        if (raw.getTypeParameters().length != arguments.length) {
            throw new IllegalArgumentException(raw.getSimpleName() + " takes " + raw.getTypeParameters().length + " type arguments, not "
                    + arguments.length);
        }
        Type[] args = arguments.clone();
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return args.clone();
            }

            @Override
            public Type getRawType() {
                return raw;
            }

            @Override
            public Type getOwnerType() {
                return raw.getDeclaringClass();
            }

            @Override
            public String toString() {
                return raw.getName() + Arrays.toString(args);
            }
        };
    }
}
