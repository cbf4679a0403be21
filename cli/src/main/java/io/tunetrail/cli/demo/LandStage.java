package io.tunetrail.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.JobLauncher;
import java.util.List;

/** Lands the topics in the offline store's raw Delta tables with the batch-training jar (Spark, exactly once). */
final class LandStage implements DemoStage {
    @Override
    public String name() {
        return "land";
    }

    @Override
    public String description() {
        return "land the topics in the offline store's Delta tables (Spark local, exactly once)";
    }

    @Override
    public void run(DemoContext context) {
        if (context.repositoryRoot() == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run the demo through ./tunetrail demo");
        }
        JobLauncher.JobRun run = new JobLauncher(context.config(), context.repositoryRoot())
                .run(JobLauncher.Engine.SPARK, List.of("--job", "land"), line -> { });
        if (!run.ok() || run.result() == null) {
            throw CliError.failed("the Spark lander failed (exit " + run.exitCode() + ")",
                    String.join(" | ", run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size())), null);
        }
        context.out().println("      offline store " + context.config().offlineStore() + ":");
        for (JsonNode t : run.result().path("tables")) {
            context.out().printf("        %-13s %,d rows landed from '%s' (%,d refused), Delta version %d%n", t.path("table").asText(),
                    t.path("rows_landed").asLong(), t.path("topic").asText(), t.path("rows_refused").asLong(),
                    t.path("delta_version").asLong());
        }
    }
}
