package io.tunetrail.infra.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each overlay renders, and every object it renders is valid against its schema; a typo or a wrong type is refused. */
class KubernetesManifestsTest {
    private static ManifestValidator validator;
    private static List<ObjectNode> community;

    @BeforeAll
    static void render() throws Exception {
        validator = ManifestValidator.forThisRepository();
        community = Kustomize.render(Kustomize.overlay("community"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void everyRenderedObjectMatchesItsSchema(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(Kustomize.overlay(overlay));
        Map<String, Integer> kinds = new TreeMap<>();
        objects.forEach(o -> kinds.merge(o.path("kind").asText(), 1, Integer::sum));

        assertThat(kinds).containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "NetworkPolicy", "ConfigMap", "Secret", "FlinkDeployment", "ScheduledSparkApplication", "Kafka",
                "KafkaNodePool", "KafkaTopic", "Cluster", "StatefulSet");
        assertThat(validator.problems(objects)).as("schema problems of the %s overlay (%s)", overlay, kinds).isEmpty();
    }

    @Test
    void anUnknownFieldInACoreTypeIsRefused() {
        assertRefused("Deployment", "tunetrail-api", d -> container(d, "template").with("livenessProbe").put("httpGett", "/health"),
                "httpGett");
    }

    @Test
    void aWrongTypeInACoreTypeIsRefused() {
        assertRefused("Deployment", "tunetrail-api", d -> ((ObjectNode) d.get("spec")).put("replicas", "two"), "");
    }

    @Test
    void anUnknownFieldInAFlinkDeploymentIsRefused() {
        assertRefused("FlinkDeployment", "tunetrail-usage-counters",
                d -> ((ObjectNode) d.path("spec").path("job")).put("upgradeMod", "savepoint"), "spec.job.upgradeMod");
    }

    @Test
    void aValueOutsideTheFlinkCrdsEnumIsRefused() {
        assertRefused("FlinkDeployment", "tunetrail-usage-counters",
                d -> ((ObjectNode) d.path("spec").path("job")).put("upgradeMode", "checkpoint"), "spec.job.upgradeMode");
    }

    @Test
    void anUnknownFieldInAFlinkPodTemplateIsRefused() {
        assertRefused("FlinkDeployment", "tunetrail-session-features",
                d -> container(d, "podTemplate").put("imagePullPolicyy", "Always"), "imagePullPolicyy");
    }

    @Test
    void aWrongTypeInAStrimziTopicIsRefused() {
        assertRefused("KafkaTopic", "interactions", t -> ((ObjectNode) t.get("spec")).put("partitions", "12"), "spec.partitions");
    }

    @Test
    void anUnknownFieldInTheStrimziKafkaIsRefused() {
        assertRefused("Kafka", "tunetrail", k -> ((ObjectNode) k.path("spec").path("kafka")).put("brokers", 3), "spec.kafka.brokers");
    }

    @Test
    void theMinimalSchemasRefuseUnknownFieldsToo() {
        assertRefused("Cluster", "tunetrail-pg", c -> ((ObjectNode) c.get("spec")).put("instance", 3), "spec.instance");
        assertRefused("ScheduledSparkApplication", "tunetrail-nightly",
                s -> ((ObjectNode) s.path("spec").path("template")).put("mainClas", "x"), "spec.template.mainClas");
    }

    @Test
    void coreTypesInsideTheMinimalSchemasAreCheckedByTheirModels() {
        assertRefused("ScheduledSparkApplication", "tunetrail-land",
                s -> ((ObjectNode) s.path("spec").path("template").path("driver").path("env").get(0)).put("valu", "x"), "valu");
    }

    @Test
    void aKindWithoutASchemaIsRefused() throws Exception {
        ObjectNode unknown = (ObjectNode) Kustomize.YAML.readTree("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
        assertThat(validator.problems(unknown)).singleElement().asString().contains("no schema for example.com/v1 Widget");
    }

    private static ObjectNode container(ObjectNode object, String template) {
        ArrayNode containers = (ArrayNode) object.path("spec").path(template).path("spec").path("containers");
        return (ObjectNode) containers.get(0);
    }

    private static void assertRefused(String kind, String name, Consumer<ObjectNode> breakIt, String mentioned) {
        ObjectNode object = Kustomize.find(community, kind, name).deepCopy();
        assertThat(validator.problems(object)).as("the rendered %s %s before the change", kind, name).isEmpty();
        breakIt.accept(object);
        assertThat(validator.problems(object)).as("%s %s after the change", kind, name)
                .isNotEmpty().anySatisfy(p -> assertThat(p).contains(mentioned));
    }
}
