package io.tunetrail.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The API's JSON: snake_case, ISO 8601 instants, and strict reading. A request with an unknown field, a value of
 * the wrong type ({@code "5"} for a number, {@code 1.5} for an integer) or malformed JSON is refused with a 400
 * that names the field, rather than silently ignored or coerced.
 */
public final class Json {
    private static final ObjectMapper MAPPER = strict(JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build());

    /** No scalar becomes a string or a number of another kind: {@code 5} is not a name, {@code "5"} not a limit. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer || type == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, type == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        return mapper;
    }

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a request body into {@code type}, or throws the 400 that names what is wrong. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiErrors.malformedJson("the body is empty");
        }
        try {
            return MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw explain(e);
        }
    }

    /** Parses a body into a tree (for bodies validated by a JSON schema, such as interactions). */
    public static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiErrors.malformedJson("the body is empty");
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw explain(e);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Turns a Jackson failure into the API's 400. */
    static ApiException explain(IOException e) {
        if (e instanceof ValueInstantiationException vie && vie.getCause() instanceof ApiException api) {
            return api; // a request record's own validation
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return ApiErrors.unknownField(path(u, u.getPropertyName()));
        }
        if (e instanceof InvalidFormatException f) {
            return ApiErrors.invalidField(path(f, null), "'" + path(f, null) + "' has value " + f.getValue()
                    + ", which is not " + describe(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = path(m, null);
            return ApiErrors.invalidField(field, "'" + field + "' must be " + describe(m.getTargetType()));
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof ApiException api) {
            return api;
        }
        if (e instanceof JsonProcessingException p) {
            return ApiErrors.malformedJson(p.getOriginalMessage());
        }
        return ApiErrors.malformedJson(String.valueOf(e.getMessage()));
    }

    private static String path(JsonMappingException e, String leaf) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        if (leaf != null && !path.endsWith(leaf)) {
            path = path.isEmpty() ? leaf : path + "." + leaf;
        }
        return path.isEmpty() ? "(body)" : path;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of the expected type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
        }
        return "an object";
    }
}
