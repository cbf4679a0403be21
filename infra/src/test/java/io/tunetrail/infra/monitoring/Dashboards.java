package io.tunetrail.infra.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.infra.k8s.Kustomize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboards of infra/monitoring/dashboards query. */
final class Dashboards {
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "avg", "max", "min", "count", "rate", "irate", "increase",
            "histogram_quantile", "by", "without", "on", "ignoring", "and", "or", "unless", "topk", "bottomk", "abs", "delta");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private Dashboards() {}

    static Path file(String name) {
        return Kustomize.infraDir().resolve("monitoring/dashboards/" + name + ".json");
    }

    /** Every metric name of every panel's expressions. */
    static Set<String> metricNames(Path dashboard) throws IOException {
        JsonNode json = new ObjectMapper().readTree(Files.readString(dashboard));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : json.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metricNames(target.path("expr").asText()));
            }
        }
        return names;
    }

    /** The metric names in one PromQL expression: identifiers outside label matchers, groupings and ranges. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\"[^\"]*\"", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
            if (!call && !PROMQL_WORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }
}
