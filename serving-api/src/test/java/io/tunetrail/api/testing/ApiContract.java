package io.tunetrail.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tunetrail.api.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every answer the API's ITs receive, checked against the OpenAPI document the API serves, so the document and the code
 * cannot drift: a 2xx the document does not declare, or a body its schema refuses, fails the test that received it
 * with the operation, the status and the JSON pointer. Declared error statuses are checked the same way; an error
 * status the operation does not declare is let through (the document lists the refusals each route can give, not
 * every server error).
 *
 * <p>The document is read once per JVM (its schemas do not depend on the app's settings) and each operation's schema
 * compiled the first time an answer needs it.
 */
public final class ApiContract {
    private static final String REF = "#/components/schemas/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true).build();

    private static volatile ApiContract loaded;

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private record Operation(String method, String template, Pattern pattern, JsonNode node) {}

    public ApiContract(JsonNode document) {
        this.document = document;
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String regex = Pattern.quote(path.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), Pattern.compile(regex), op.getValue()));
        }));
        // A literal segment wins over a parameter, as in the router: /tracks/top before /tracks/{track_id}.
        operations.sort(Comparator.comparingLong((Operation o) -> o.template().chars().filter(c -> c == '{').count()));
    }

    /** The contract of the API at {@code origin}, read from its {@code /api/docs} the first time it is needed. */
    public static ApiContract of(okhttp3.OkHttpClient http, String origin) {
        ApiContract c = loaded;
        if (c == null) {
            synchronized (ApiContract.class) {
                if (loaded == null) {
                    try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(origin + "/api/docs").build()).execute()) {
                        loaded = new ApiContract(Json.mapper().readTree(r.body().string()));
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not read the OpenAPI document at " + origin + "/api/docs", e);
                    }
                }
                c = loaded;
            }
        }
        return c;
    }

    /** The problems of one answer (empty when the document allows it), each naming the operation, status and pointer. */
    public List<String> check(String method, String path, int status, String contentType, String body) {
        Operation op = operations.stream().filter(o -> o.method().equals(method) && o.pattern().matcher(path).matches()).findFirst().orElse(null);
        if (op == null) {
            return List.of(); // not an API route (the console's pages, a 404 probe)
        }
        String where = method + " " + path + " (operation " + op.node().path("operationId").asText() + ", " + op.template() + ") answered "
                + status;
        JsonNode declared = op.node().path("responses").get(Integer.toString(status));
        if (declared == null) {
            return status >= 200 && status < 300
                    ? List.of(where + ", a success the document does not declare (declared: " + fieldNames(op.node().path("responses")) + ")")
                    : List.of();
        }
        JsonNode content = declared.get("content");
        if (content == null) {
            return body == null || body.isEmpty() ? List.of() : List.of(where + " with a body, but the document declares none");
        }
        String media = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        JsonNode described = content.get(media);
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); described == null && it.hasNext();) {
            Map.Entry<String, JsonNode> declaredType = it.next(); // a key with parameters: "text/plain; version=0.0.4"
            if (declaredType.getKey().split(";")[0].strip().equalsIgnoreCase(media)) {
                described = declaredType.getValue();
            }
        }
        if (described == null) {
            return List.of(where + " as '" + media + "', but the document declares " + fieldNames(content));
        }
        if (!media.endsWith("json")) {
            return List.of();
        }
        JsonNode instance;
        try {
            instance = Json.mapper().readTree(body);
        } catch (IOException e) {
            return List.of(where + " with a body that is not JSON: " + e.getMessage());
        }
        String key = method + " " + op.template() + " " + status + " " + media;
        JsonNode declaredSchema = described.get("schema");
        JsonSchema schema = compiled.computeIfAbsent(key, k -> compile(declaredSchema));
        Set<ValidationMessage> errors = schema.validate(instance);
        return errors.stream().map(e -> where + " " + media + " that does not match the document at '" + e.getInstanceLocation() + "': "
                + e.getMessage()).sorted().collect(Collectors.toList());
    }

    /** Throws the failure of a test when the answer breaks the contract. */
    public void require(String method, String path, int status, String contentType, String body) {
        List<String> problems = check(method, path, status, contentType, body);
        if (!problems.isEmpty()) {
            throw new AssertionError("The answer breaks the OpenAPI document (fix the response record or the route's .returns(...)):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(10, problems.size()))) + "\nbody: "
                    + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body));
        }
    }

    /** The document the contract was read from. */
    public JsonNode document() {
        return document;
    }

    /** A response schema as a standalone 2020-12 schema: the document's components become its $defs. */
    public JsonSchema compile(JsonNode responseSchema) {
        ObjectNode standalone = Json.mapper().createObjectNode();
        standalone.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        standalone.set("$defs", document.path("components").path("schemas"));
        standalone.setAll((ObjectNode) responseSchema.deepCopy());
        try {
            String text = Json.mapper().writeValueAsString(standalone).replace("\"" + REF, "\"#/$defs/");
            return FACTORY.getSchema(text, CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return String.join(", ", names);
    }
}
