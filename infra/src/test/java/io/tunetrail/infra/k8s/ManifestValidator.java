package io.tunetrail.infra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks rendered objects against their schemas: built-in kinds against {@link CoreTypes}, custom resources against
 * the operators' CRDs ({@link CrdSchemas}) with their metadata as an {@code ObjectMeta}. A kind with no schema at all is
 * a problem too, so nothing goes unchecked.
 */
public final class ManifestValidator {
    private final CrdSchemas crds;

    public ManifestValidator(CrdSchemas crds) {
        this.crds = crds;
    }

    /**
     * The CRDs this repository validates against: Strimzi's (generated, vendored), the Flink Kubernetes Operator's (from
     * its jar, unpacked by the build) and the minimal hand-written ones (infra/k8s/schemas/README.md).
     */
    public static ManifestValidator forThisRepository() {
        Path infra = Kustomize.infraDir();
        return new ManifestValidator(CrdSchemas.load(List.of(
                infra.resolve("k8s/schemas/strimzi-0.45.0"),
                infra.resolve("k8s/schemas/minimal"),
                infra.resolve("target/crds/flink-kubernetes-operator-1.10.0/META-INF/fabric8"))));
    }

    /** Every problem of every object, each prefixed by the object's kind and name. */
    public List<String> problems(List<ObjectNode> objects) {
        List<String> out = new ArrayList<>();
        for (ObjectNode object : objects) {
            String name = object.path("kind").asText("?") + " " + object.path("metadata").path("name").asText("?");
            for (String problem : problems(object)) {
                out.add(name + ": " + problem);
            }
        }
        return out;
    }

    public List<String> problems(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return List.of("apiVersion and kind are required");
        }
        Optional<String> model = CoreTypes.modelOf(apiVersion, kind);
        if (model.isPresent()) {
            String problem = CoreTypes.problem(object, model.get());
            return problem == null ? List.of() : List.of(problem);
        }
        Optional<JsonNode> schema = crds.schemaOf(apiVersion, kind);
        if (schema.isEmpty()) {
            return List.of("no schema for " + apiVersion + " " + kind + " (vendor its CRD under infra/k8s/schemas)");
        }
        List<String> out = new ArrayList<>(CrdSchemas.problems(object, schema.get(), ""));
        String meta = CoreTypes.problem(object.path("metadata"), "V1ObjectMeta");
        if (meta != null) {
            out.add("metadata: " + meta);
        }
        return out;
    }
}
