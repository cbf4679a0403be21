package io.tunetrail.infra.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.infra.k8s.Kustomize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Flink, Kafka and Spark dashboards query only metric names those systems document (infra/monitoring/metric-names);
 * Kafka's broker names are produced here by the JMX exporter rules the Kafka resource really configures. The API's
 * dashboard is checked against a running API (ApiTarballIT).
 */
class DocumentedDashboardsTest {

    @Test
    void theFlinkDashboardQueriesDocumentedFlinkMetrics() throws Exception {
        assertThat(Dashboards.metricNames(Dashboards.file("flink"))).isNotEmpty().isSubsetOf(documented("flink"));
    }

    @Test
    void theSparkDashboardQueriesDocumentedSparkMetrics() throws Exception {
        assertThat(Dashboards.metricNames(Dashboards.file("spark"))).isNotEmpty().isSubsetOf(documented("spark"));
    }

    @Test
    void theKafkaDashboardQueriesTheExportersNamesAndTheBrokerNamesOurJmxRulesProduce() throws Exception {
        Set<String> known = new TreeSet<>(documented("kafka"));
        List<String> mbeans = Files.readAllLines(names("kafka")).stream().filter(l -> l.startsWith("mbean ")).map(l -> l.substring(6)).toList();
        known.addAll(applyJmxRules(mbeans));
        assertThat(known).contains("kafka_server_brokertopicmetrics_messagesin_total", "kafka_server_replicamanager_underreplicatedpartitions");
        assertThat(Dashboards.metricNames(Dashboards.file("kafka"))).isNotEmpty().isSubsetOf(known);
    }

    @Test
    void labelMatchersGroupingsAndFunctionsAreNotTakenForMetrics() {
        assertThat(Dashboards.metricNames("histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket{job=\"x\", status=~\"5..\"}[5m])))"))
                .containsExactly("http_server_requests_seconds_bucket");
    }

    /** The metric names the JMX exporter makes of {@code mbeans} under the rules of tunetrail-kafka-metrics. */
    private static Set<String> applyJmxRules(List<String> mbeans) throws Exception {
        var objects = Kustomize.render(Kustomize.overlay("community"));
        JsonNode config = Kustomize.YAML.readTree(Kustomize.find(objects, "ConfigMap", "tunetrail-kafka-metrics")
                .path("data").path("kafka-metrics-config.yml").asText());
        Set<String> names = new TreeSet<>();
        for (String mbean : mbeans) {
            for (JsonNode rule : config.path("rules")) {
                Matcher m = Pattern.compile(rule.path("pattern").asText()).matcher(mbean);
                if (m.matches()) {
                    String name = rule.path("name").asText();
                    for (int g = m.groupCount(); g >= 1; g--) {
                        name = name.replace("$" + g, m.group(g));
                    }
                    names.add(config.path("lowercaseOutputName").asBoolean() ? name.toLowerCase(java.util.Locale.ROOT) : name);
                    break;
                }
            }
        }
        return names;
    }

    private static Path names(String system) {
        return Kustomize.infraDir().resolve("monitoring/metric-names/" + system + ".txt");
    }

    private static Set<String> documented(String system) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(names(system))) {
            if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("mbean ")) {
                out.add(line.trim());
            }
        }
        return new TreeSet<>(out);
    }
}
