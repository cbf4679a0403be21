package io.tunetrail.infra.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests name what this repository really has: configuration keys PlatformConfig declares, the topics
 * KafkaTopics creates, the jobs' main classes and jar names from their poms, Spark's Java 17 flags from the parent
 * pom, the API's port and operator routes, and every Secret and ConfigMap they refer to.
 */
class KubernetesWiringTest {
    private static final Path ROOT = Kustomize.infraDir().getParent();

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void theConfigMapHoldsOnlyPlatformKeysAndLoads(String overlay) throws Exception {
        PlatformConfig config = config(Kustomize.render(Kustomize.overlay(overlay)));
        assertThat(config.get(PlatformConfig.KAFKA_BOOTSTRAP)).isEqualTo("tunetrail-kafka-bootstrap:9092");
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void everyTunetrailVariableIsADeclaredKeyAndEveryReferenceResolves(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(Kustomize.overlay(overlay));
        Set<String> envVars = new HashSet<>(List.of(PlatformConfig.CONFIG_FILE_ENV));
        PlatformConfig.keys().forEach(k -> envVars.add(k.envVar()));
        Set<String> secrets = names(objects, "Secret");
        Set<String> configMaps = names(objects, "ConfigMap");
        List<String> problems = new ArrayList<>();
        for (ObjectNode object : objects) {
            String where = object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
            walk(object, node -> {
                if (node.has("name") && node.path("name").asText().startsWith("TUNETRAIL_") && !envVars.contains(node.path("name").asText())) {
                    problems.add(where + ": " + node.path("name").asText() + " is no configuration key's variable");
                }
                JsonNode secretRef = node.path("valueFrom").path("secretKeyRef");
                if (secretRef.isObject()) {
                    String key = secretRef.path("key").asText();
                    if (!secrets.contains(secretRef.path("name").asText())) {
                        problems.add(where + ": Secret " + secretRef.path("name").asText() + " is not rendered");
                    }
                    if (secretRef.path("name").asText().equals("tunetrail-secrets") && !node.path("name").asText()
                            .equals(PlatformConfig.keys().stream().filter(k -> k.name().equals(key)).findFirst()
                                    .map(PlatformConfig.Key::envVar).orElse("?"))) {
                        problems.add(where + ": " + node.path("name").asText() + " takes tunetrail-secrets' " + key + ", another key");
                    }
                }
                JsonNode configMap = node.path("configMap");
                if (configMap.isObject() && !configMaps.contains(configMap.path("name").asText())) {
                    problems.add(where + ": ConfigMap " + configMap.path("name").asText() + " is not rendered");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void theKafkaTopicsAreThePlatformsTopics(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(Kustomize.overlay(overlay));
        PlatformConfig config = config(objects);
        Set<String> expected = new HashSet<>(KafkaTopics.names(config));
        expected.addAll(KafkaTopics.resultNames(config));
        assertThat(names(objects, "KafkaTopic")).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void theApiServesOnItsConfiguredPortWithProbesOnItsOperatorRoutes(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(Kustomize.overlay(overlay));
        PlatformConfig config = config(objects);
        JsonNode container = Kustomize.find(objects, "Deployment", "tunetrail-api").at("/spec/template/spec/containers/0");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(config.getInt(PlatformConfig.API_PORT));
        assertThat(config.get(PlatformConfig.API_HOST)).isEqualTo("0.0.0.0");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
        assertThat(Files.readString(ROOT.resolve("serving-api/src/main/java/io/tunetrail/api/http/OperatorController.java")))
                .contains("\"/health\"", "\"/ready\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void theStreamingJobsRunTheStreamingJarsMainClassAtOneParallelism(String overlay) throws Exception {
        String pom = Files.readString(ROOT.resolve("streaming-jobs/pom.xml"));
        for (ObjectNode flink : Kustomize.ofKind(Kustomize.render(Kustomize.overlay(overlay)), "FlinkDeployment")) {
            JsonNode job = flink.at("/spec/job");
            assertThat(job.path("entryClass").asText()).isEqualTo(tag(pom, "mainClass"));
            assertThat(job.path("jarURI").asText()).endsWith("/" + tag(pom, "finalName") + ".jar");
            assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
            List<String> args = new ArrayList<>();
            job.path("args").forEach(a -> args.add(a.asText()));
            assertThat(args).contains("stream.parallelism=" + job.path("parallelism").asInt());
            String name = args.get(args.indexOf("--job") + 1);
            assertThat(flink.at("/spec/flinkConfiguration").path("state.checkpoints.dir").asText())
                    .as("the job writes its checkpoints to stream.checkpoint-dir/<job>")
                    .isEqualTo(config(Kustomize.render(Kustomize.overlay(overlay))).get(PlatformConfig.STREAM_CHECKPOINT_DIR) + "/" + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void theBatchJobsRunTheBatchJarsMainClassWithTheParentPomsSparkFlags(String overlay) throws Exception {
        String pom = Files.readString(ROOT.resolve("batch-training/pom.xml"));
        String flags = tag(Files.readString(ROOT.resolve("pom.xml")), "spark.jvm.flags");
        for (ObjectNode spark : Kustomize.ofKind(Kustomize.render(Kustomize.overlay(overlay)), "ScheduledSparkApplication")) {
            JsonNode template = spark.at("/spec/template");
            assertThat(template.path("mainClass").asText()).isEqualTo(tag(pom, "mainClass"));
            assertThat(template.path("mainApplicationFile").asText()).endsWith("/" + tag(pom, "finalName") + ".jar");
            assertThat(template.at("/sparkConf/spark.driver.extraJavaOptions").asText()).isEqualTo(flags);
            assertThat(template.at("/sparkConf/spark.executor.extraJavaOptions").asText()).isEqualTo(flags);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"community", "saas"})
    void redisMaxmemoryIsTheConfiguredOne(String overlay) throws Exception {
        List<ObjectNode> objects = Kustomize.render(Kustomize.overlay(overlay));
        String conf = Kustomize.find(objects, "ConfigMap", "tunetrail-redis").at("/data/redis.conf").asText();
        assertThat(conf).contains("maxmemory " + config(objects).get(PlatformConfig.REDIS_MAXMEMORY) + "\n", "maxmemory-policy volatile-lru");
    }

    @org.junit.jupiter.api.Test
    void airflowsValuesSetEveryConnectionAndVariableTheDagsRead() throws Exception {
        Set<String> read = new HashSet<>();
        try (var files = Files.walk(ROOT.resolve("airflow-dags/dags"))) {
            for (Path py : files.filter(p -> p.toString().endsWith(".py")).toList()) {
                Matcher m = Pattern.compile("(conn|var\\.value)\\.(tunetrail_[a-z_]+)|Variable\\.get\\(\"(tunetrail_[a-z_]+)\"|\"conn_id\": \"(tunetrail_[a-z_]+)\"")
                        .matcher(Files.readString(py));
                while (m.find()) {
                    boolean conn = "conn".equals(m.group(1)) || m.group(4) != null;
                    String name = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
                    read.add((conn ? "AIRFLOW_CONN_" : "AIRFLOW_VAR_") + name.toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        JsonNode values = Kustomize.YAML.readTree(Kustomize.infraDir().resolve("k8s/airflow/values.yaml").toFile());
        Set<String> set = new HashSet<>();
        values.path("env").forEach(e -> set.add(e.path("name").asText()));
        values.path("secret").forEach(e -> set.add(e.path("envName").asText()));
        assertThat(read).contains("AIRFLOW_CONN_TUNETRAIL_POSTGRES", "AIRFLOW_VAR_TUNETRAIL_BATCH_JAR");
        assertThat(set).containsAll(read);
    }

    private static PlatformConfig config(List<ObjectNode> objects) throws Exception {
        String properties = Kustomize.find(objects, "ConfigMap", "tunetrail-config").at("/data/tunetrail.properties").asText();
        Path file = Files.createTempFile("tunetrail", ".properties");
        try {
            Files.writeString(file, properties);
            // readFile refuses a key PlatformConfig does not declare; load validates the values.
            PlatformConfig.readFile(file);
            return PlatformConfig.load(Map.of(PlatformConfig.CONFIG_FILE_ENV, file.toString()), Map.of());
        } finally {
            Files.delete(file);
        }
    }

    private static Set<String> names(List<ObjectNode> objects, String kind) {
        Set<String> names = new HashSet<>();
        Kustomize.ofKind(objects, kind).forEach(o -> names.add(o.path("metadata").path("name").asText()));
        return names;
    }

    private static String tag(String xml, String tag) {
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">").matcher(xml);
        if (!m.find()) {
            throw new AssertionError("no <" + tag + "> in the pom");
        }
        return m.group(1).trim();
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
        }
        node.elements().forEachRemaining(child -> walk(child, visit));
    }
}
