package io.tunetrail.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.BatchJobs;
import io.tunetrail.cli.jobs.TrainProgress;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs the nightly chain (the batch-training jar, Spark local) on what the land stage put in the offline store, and
 * prints each org's new model version with its offline metrics beside the popularity baseline.
 */
final class TrainStage implements DemoStage {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String description() {
        return "the nightly chain: ALS, similarities, analytics, evaluation, materialisation (Spark local, or the Spark cluster with --cluster)";
    }

    @Override
    public void run(DemoContext context) {
        if (context.repositoryRoot() == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run the demo through ./tunetrail demo");
        }
        JsonNode result;
        // Only the progress shows while it runs; the jar's other lines are summarised below from its JSON line.
        try (TrainProgress progress = TrainProgress.on(context.out(), line -> { })) {
            result = BatchJobs.run(context.jobs(), List.of("--all"), "the nightly chain", progress).result();
        }
        print(result, context.out());
    }

    /** Each job's time, then each org's new version and its metrics beside the baseline, from the chain's JSON line. */
    static void print(JsonNode result, PrintStream out) {
        JsonNode evaluate = null;
        JsonNode materialise = null;
        for (JsonNode job : result.path("jobs")) {
            out.printf("      %-22s %6.1f s%n", job.path("job").asText(), job.path("duration_ms").asLong() / 1000.0);
            if (job.path("job").asText().equals("evaluate")) {
                evaluate = job;
            } else if (job.path("job").asText().equals("materialise")) {
                materialise = job;
            }
        }
        if (evaluate == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = evaluate.path("figures").path("per_org").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> org = it.next();
            JsonNode r = org.getValue();
            String version = evaluate.path("model_versions").path(org.getKey()).asText();
            JsonNode decision = materialise == null ? null : materialise.path("figures").path("per_org").path(org.getKey()).path("als");
            // The family that served the version is scored under its own name (evaluations before it: als).
            String family = r.path("family").asText("als");
            out.printf("      org %s: als %s%s, %d listeners evaluated (k %d, %s split)%n", org.getKey(), version,
                    decision == null || decision.isMissingNode() ? "" : " -> active " + decision.path("active").asText()
                            + " (" + decision.path("decision").asText() + ")",
                    r.path(family).path("users").asInt(), r.path("k").asInt(), r.path("split").asText());
            out.printf("        %-11s %9s %9s %9s %9s %9s%n", "", "precision", "recall", "ndcg", "map", "coverage");
            for (String which : List.of(family, "baseline")) {
                JsonNode m = r.path(which);
                out.printf("        %-11s %9.4f %9.4f %9.4f %9.4f %9.4f%n", which.equals(family) ? family : "popularity",
                        m.path("precision").asDouble(), m.path("recall").asDouble(), m.path("ndcg").asDouble(),
                        m.path("map").asDouble(), m.path("coverage").asDouble());
            }
        }
    }
}
