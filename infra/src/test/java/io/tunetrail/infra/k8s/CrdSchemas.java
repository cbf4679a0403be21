package io.tunetrail.infra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operators' CRD schemas (openAPIV3Schema of each served version), applied strictly: a field an object schema
 * does not list is refused unless the schema says {@code x-kubernetes-preserve-unknown-fields} (where the API server
 * would prune it silently, this refuses it, so a typo cannot pass), and every value must have its declared type,
 * enum value, pattern and bounds. {@code x-kubernetes-int-or-string} accepts either; {@code x-tunetrail-core-type}
 * (only in the minimal schemas of infra/k8s/schemas/minimal) hands the subtree to {@link CoreTypes}.
 */
public final class CrdSchemas {
    private static final java.util.Set<String> ROOT_FIELDS = java.util.Set.of("apiVersion", "kind", "metadata");
    private final Map<String, JsonNode> schemas = new HashMap<>();
    private final List<String> sources = new ArrayList<>();

    /** Every CRD found in {@code dirs} (YAML files, each one or more documents). */
    public static CrdSchemas load(List<Path> dirs) {
        CrdSchemas crds = new CrdSchemas();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("no CRD folder " + dir + " (the Flink one is unpacked by the build: run Maven)");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                    for (ObjectNode doc : Kustomize.readAll(Files.readString(file))) {
                        if (doc.path("kind").asText().equals("CustomResourceDefinition")) {
                            crds.add(doc, file);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return crds;
    }

    private void add(ObjectNode crd, Path file) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        String kind = spec.path("names").path("kind").asText();
        for (JsonNode version : spec.path("versions")) {
            if (version.path("served").asBoolean(true)) {
                schemas.put(group + "/" + version.path("name").asText() + " " + kind,
                        version.path("schema").path("openAPIV3Schema"));
            }
        }
        sources.add(file.getFileName().toString());
    }

    public Optional<JsonNode> schemaOf(String apiVersion, String kind) {
        return Optional.ofNullable(schemas.get(apiVersion + " " + kind));
    }

    /** The problems of {@code value} against {@code schema}, each with its path ({@code spec.job.upgradeMode}). */
    public static List<String> problems(JsonNode value, JsonNode schema, String path) {
        List<String> out = new ArrayList<>();
        check(value, schema, path, out);
        return out;
    }

    private static void check(JsonNode value, JsonNode schema, String path, List<String> out) {
        if (schema.has("x-tunetrail-core-type")) {
            String problem = CoreTypes.problem(value, schema.get("x-tunetrail-core-type").asText());
            if (problem != null) {
                out.add(path + ": " + problem);
            }
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                out.add(path + ": null is not allowed");
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                out.add(path + ": must be an integer or a string, is " + value.getNodeType());
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            out.add(path + ": must be " + type + ", is " + describe(value));
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                out.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isTextual() && schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
            out.add(path + ": '" + value.asText() + "' does not match " + schema.get("pattern").asText());
        }
        if (value.isNumber() && schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
            out.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (value.isNumber() && schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
            out.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (schema.has(alternatives)) {
                int matched = 0;
                for (JsonNode alternative : schema.get(alternatives)) {
                    matched += problems(value, alternative, path).isEmpty() ? 1 : 0;
                }
                if (matched == 0 || (alternatives.equals("oneOf") && matched > 1)) {
                    out.add(path + ": matches " + matched + " of the " + alternatives + " alternatives " + schema.get(alternatives));
                }
            }
        }
        if (value.isObject()) {
            checkObject(value, schema, path, out);
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), path + "[" + i + "]", out);
            }
        }
    }

    private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> out) {
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                out.add(path + ": the required field '" + required.asText() + "' is missing");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (path.isEmpty() && ROOT_FIELDS.contains(field.getKey())) {
                // Every object has them; ManifestValidator checks metadata as an ObjectMeta.
                continue;
            }
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.get(field.getKey()), at, out);
            } else if (additional != null && additional.isObject()) {
                check(field.getValue(), additional, at, out);
            } else if (!preserve && !(additional != null && additional.asBoolean(false))
                    && (properties.size() > 0 || (additional != null && !additional.asBoolean(true)))) {
                out.add(at + ": unknown field (the schema has " + fieldNames(properties) + ")");
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String describe(JsonNode value) {
        return value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + (value.isContainerNode() ? "" : value.toString());
    }

    private static String fieldNames(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names.size() > 12 ? names.subList(0, 12) + "..." : names.toString();
    }

    public List<String> sources() {
        return List.copyOf(sources);
    }
}
