package io.tunetrail.api.docs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.http.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * JSON schemas (draft 2020-12, as OpenAPI 3.1 takes them) and examples generated from the records the API reads and
 * writes, named as Jackson writes them (snake_case). Request records are described inline and leniently (a client may
 * leave fields out); response records become named components under {@code components/schemas}, each property
 * required and, unless primitive, nullable, as Jackson writes every component and writes nulls (a record annotated
 * {@code @JsonInclude(NON_NULL)} leaves them out instead, so its properties are optional and never null).
 */
final class RecordSchemas {
    private static final String REF = "#/components/schemas/";
    private static final String EXAMPLE_INSTANT = "2026-01-01T00:00:00Z";

    /** Response components by name, in the order they were first met. */
    private final Map<String, Object> components = new LinkedHashMap<>();
    private final Map<Object, String> names = new LinkedHashMap<>();
    private final java.util.Set<String> reserved;

    /** {@code reserved}: component names taken already (the request schemas), which a response type must not reuse. */
    RecordSchemas(java.util.Set<String> reserved) {
        this.reserved = reserved;
    }

    /** The inline schema of a request record: its properties, none required, no others allowed. */
    static Map<String, Object> request(Class<?> type) {
        Map<String, Object> props = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                props.put(snake(c.getName()), requestType(c.getGenericType()));
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Map<String, Object> requestType(Type t) {
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw && Collection.class.isAssignableFrom(raw)) {
            return Map.of("type", "array", "items", requestType(pt.getActualTypeArguments()[0]));
        }
        if (t instanceof Class<?> c && c.isRecord()) {
            return request(c);
        }
        Map<String, Object> scalar = scalar(t);
        return scalar != null ? scalar : Map.of("type", "object");
    }

    /** The schema of a response body of {@code type}: a reference to its component, or an array of them. */
    Map<String, Object> response(Type type) {
        return schema(type, Map.of());
    }

    /** The response components met so far. */
    Map<String, Object> components() {
        return components;
    }

    /** An example body of {@code type}: every property filled, so the example exercises the whole schema. */
    static Object example(Type type) {
        return example(type, Map.of(), "value", 0);
    }

    private Map<String, Object> schema(Type t, Map<TypeVariable<?>, Type> bound) {
        Type type = t instanceof TypeVariable<?> v && bound.containsKey(v) ? bound.get(v) : t;
        Map<String, Object> scalar = scalar(type);
        if (scalar != null) {
            return scalar;
        }
        if (type instanceof ApiRoute.OneOf oneOf) {
            return Map.of("oneOf", oneOf.types().stream().map(c -> schema(c, bound)).toList());
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = resolve(pt.getActualTypeArguments(), bound);
            if (Collection.class.isAssignableFrom(raw)) {
                return Map.of("type", "array", "items", element(args[0], bound));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", element(args[1], bound));
            }
            if (raw == Optional.class) {
                return schema(args[0], bound);
            }
            if (raw.isRecord()) {
                return Map.of("$ref", REF + component(raw, args));
            }
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return Map.of("$ref", REF + component(c, new Type[0]));
        }
        if (type instanceof Class<?> c && c.isArray()) {
            return Map.of("type", "array", "items", schema(c.getComponentType(), bound));
        }
        if (type == ObjectNode.class || type == Map.class) {
            return Map.of("type", "object");
        }
        if (type == Object.class || type == JsonNode.class) {
            return Map.of();
        }
        throw new IllegalArgumentException(type.getTypeName() + " cannot be described as a response: use a record, a list or map of "
                + "records, or a scalar (String, a number, boolean, Instant, LocalDate, UUID, an enum)");
    }

    /** An element of a list or a map: a boxed scalar may be null there (a matrix cell), a record or a list may not. */
    private Map<String, Object> element(Type t, Map<TypeVariable<?>, Type> bound) {
        Map<String, Object> schema = schema(t, bound);
        return t instanceof Class<?> c && !c.isPrimitive() && !c.isEnum() && scalar(c) != null ? nullable(schema) : schema;
    }

    private String component(Class<?> raw, Type[] args) {
        Object key = args.length == 0 ? raw : List.of(raw, Arrays.asList(args));
        String known = names.get(key);
        if (known != null) {
            return known;
        }
        StringBuilder simple = new StringBuilder();
        for (Type a : args) {
            simple.append(a instanceof Class<?> c ? c.getSimpleName() : "Any");
        }
        simple.append(raw.getSimpleName());
        String simpleName = simple.toString();
        String name = simpleName;
        // The first type to claim a simple name keeps it; a later one is prefixed with its enclosing class (Accepted of
        // InteractionService and of AudioBatchService: Accepted and AudioBatchAccepted).
        if (reserved.contains(name) || names.containsValue(name)) {
            Class<?> outer = raw.getEnclosingClass() != null ? raw.getEnclosingClass() : args.length > 0 && args[0] instanceof Class<?> c
                    && c.getEnclosingClass() != null ? c.getEnclosingClass() : null;
            String qualified = (outer == null ? "" : outer.getSimpleName().replaceAll("(Service|Controller|Store)$", "")) + simpleName;
            if (reserved.contains(qualified) || names.containsValue(qualified)) {
                throw new IllegalStateException("two response types are both named " + simpleName + " (" + raw.getName() + " and "
                        + names.entrySet().stream().filter(e -> e.getValue().equals(simpleName)).findFirst().map(e -> String.valueOf(e.getKey()))
                                .orElse("a request schema") + "); rename one, the document's component names must be unique");
            }
            name = qualified;
        }
        names.put(key, name);
        components.put(name, Map.of()); // taken before the properties are described: a record may contain itself
        Map<TypeVariable<?>, Type> bound = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            bound.put(raw.getTypeParameters()[i], args[i]);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Property p : properties(raw)) {
            Map<String, Object> schema = schema(p.type(), bound);
            props.put(p.name(), p.omitsNulls() || p.primitive() ? schema : nullable(schema));
            if (!p.omitsNulls() || p.primitive()) {
                required.add(p.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        components.put(name, schema);
        return name;
    }

    /** One property Jackson writes: its wire name, its Java type, and whether it is left out when null. */
    private record Property(String name, Type type, boolean primitive, boolean omitsNulls) {}

    /**
     * The properties the API's mapper writes for a type, in its order: a record's components and any other getter
     * ({@code isUnlimited()}), by their snake_case names. Asked of Jackson itself, so the schema says what is written.
     */
    private static List<Property> properties(Class<?> raw) {
        ObjectMapper mapper = Json.mapper();
        List<Property> out = new ArrayList<>();
        for (BeanPropertyDefinition p : mapper.getSerializationConfig().introspect(mapper.constructType(raw)).findProperties()) {
            AnnotatedMember accessor = p.getAccessor();
            if (accessor == null || !p.couldSerialize()) {
                continue;
            }
            Type type = accessor.getAnnotated() instanceof Method m ? m.getGenericReturnType()
                    : accessor.getAnnotated() instanceof Field f ? f.getGenericType() : accessor.getRawType();
            JsonInclude include = accessor.getAnnotation(JsonInclude.class);
            if (include == null) {
                include = raw.getAnnotation(JsonInclude.class);
            }
            out.add(new Property(p.getName(), type, accessor.getRawType().isPrimitive(),
                    include != null && include.value() == JsonInclude.Include.NON_NULL));
        }
        return out;
    }


    private static Map<String, Object> nullable(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type instanceof String single) {
            Map<String, Object> n = new LinkedHashMap<>(schema);
            n.put("type", List.of(single, "null"));
            if (n.get("enum") instanceof List<?> values) {
                List<Object> withNull = new ArrayList<>(values);
                withNull.add(null);
                n.put("enum", withNull);
            }
            return n;
        }
        if (schema.isEmpty()) {
            return schema;
        }
        return Map.of("anyOf", List.of(schema, Map.of("type", "null")));
    }

    private static Type[] resolve(Type[] args, Map<TypeVariable<?>, Type> bound) {
        Type[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof TypeVariable<?> v && bound.containsKey(v)) {
                out[i] = bound.get(v);
            }
        }
        return out;
    }

    /** Strings, numbers, booleans, instants, dates and enums; null for anything else. */
    private static Map<String, Object> scalar(Type t) {
        if (t == String.class || t == UUID.class) {
            return Map.of("type", "string");
        }
        // Formats, so that a generated client reads Long and Double rather than Integer and BigDecimal.
        if (t == Integer.class || t == int.class || t == Short.class || t == short.class) {
            return Map.of("type", "integer", "format", "int32");
        }
        if (t == Long.class || t == long.class) {
            return Map.of("type", "integer", "format", "int64");
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return Map.of("type", "number", "format", "double");
        }
        if (t == java.math.BigDecimal.class) {
            return Map.of("type", "number");
        }
        if (t == Boolean.class || t == boolean.class) {
            return Map.of("type", "boolean");
        }
        if (t == Instant.class || t == java.time.OffsetDateTime.class) {
            return Map.of("type", "string", "format", "date-time");
        }
        if (t == LocalDate.class) {
            return Map.of("type", "string", "format", "date");
        }
        if (t == YearMonth.class) {
            return Map.of("type", "string", "pattern", "^[0-9]{4}-[0-9]{2}$");
        }
        if (t instanceof Class<?> c && c.isEnum()) {
            List<Object> values = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                values.add(Json.mapper().convertValue(constant, String.class));
            }
            return Map.of("type", "string", "enum", values);
        }
        return null;
    }

    private static Object example(Type t, Map<TypeVariable<?>, Type> bound, String name, int depth) {
        Type type = t instanceof TypeVariable<?> v && bound.containsKey(v) ? bound.get(v) : t;
        if (type == String.class || type == UUID.class) {
            return name.endsWith("_id") ? name.substring(0, name.length() - 3) + "-1" : name.endsWith("url") ? "https://example.com/" + name : name;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class || type == short.class) {
            return 1;
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class || type == java.math.BigDecimal.class) {
            return 0.5;
        }
        if (type == Boolean.class || type == boolean.class) {
            return true;
        }
        if (type == Instant.class || type == java.time.OffsetDateTime.class) {
            return EXAMPLE_INSTANT;
        }
        if (type == LocalDate.class) {
            return EXAMPLE_INSTANT.substring(0, 10);
        }
        if (type == YearMonth.class) {
            return EXAMPLE_INSTANT.substring(0, 7);
        }
        if (type instanceof Class<?> c && c.isEnum()) {
            return Json.mapper().convertValue(c.getEnumConstants()[0], String.class);
        }
        if (type instanceof ApiRoute.OneOf oneOf) {
            return example(oneOf.types().get(0), bound, name, depth);
        }
        if (depth > 4) { // a record that contains itself: the example stops here
            return null;
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = resolve(pt.getActualTypeArguments(), bound);
            if (Collection.class.isAssignableFrom(raw)) {
                return java.util.Collections.singletonList(example(args[0], bound, name, depth + 1));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return java.util.Collections.singletonMap("key", example(args[1], bound, name, depth + 1));
            }
            if (raw == Optional.class) {
                return example(args[0], bound, name, depth);
            }
            if (raw.isRecord()) {
                Map<TypeVariable<?>, Type> inner = new LinkedHashMap<>();
                for (int i = 0; i < args.length; i++) {
                    inner.put(raw.getTypeParameters()[i], args[i]);
                }
                return recordExample(raw, inner, depth);
            }
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return recordExample(c, Map.of(), depth);
        }
        if (type instanceof Class<?> c && c.isArray()) {
            return java.util.Collections.singletonList(example(c.getComponentType(), bound, name, depth + 1));
        }
        return Map.of();
    }

    private static Map<String, Object> recordExample(Class<?> raw, Map<TypeVariable<?>, Type> bound, int depth) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (Property p : properties(raw)) {
            Object value = example(p.type(), bound, p.name(), depth + 1);
            if (value != null || !p.omitsNulls()) {
                body.put(p.name(), value);
            }
        }
        return body;
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
