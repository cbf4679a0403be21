package io.tunetrail.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.jobs.JobLauncher;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Lands the topics in the offline store's raw Delta tables with the batch-training jar (Spark, exactly once). */
final class LandStage implements DemoStage {
    @Override
    public String name() {
        return "land";
    }

    @Override
    public String description() {
        return "land the topics in the offline store's Delta tables, exactly once (Spark local, or the Spark cluster with --cluster)";
    }

    @Override
    public void run(DemoContext context) {
        if (context.repositoryRoot() == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run the demo through ./tunetrail demo");
        }
        JobLauncher.JobRun run = context.jobs().run(JobLauncher.Engine.SPARK, List.of("--job", "land"), line -> { });
        if (!run.ok() || run.result() == null) {
            throw CliError.failed("the Spark lander failed (exit " + run.exitCode() + ")",
                    String.join(" | ", run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size())), null);
        }
        context.out().println("      offline store " + context.config().offlineStoreUri() + ":");
        for (JsonNode t : run.result().path("tables")) {
            context.out().printf("        %-13s %,d rows landed from '%s' (%,d refused), Delta version %d%n", t.path("table").asText(),
                    t.path("rows_landed").asLong(), t.path("topic").asText(), t.path("rows_refused").asLong(),
                    t.path("delta_version").asLong());
        }
        JsonNode ledger = run.result().path("usage_ledger");
        context.out().printf("      billing ledger (PostgreSQL usage_ledger): %,d rows changed, %,d unchanged, %,d of unknown orgs or keys%n",
                ledger.path("rows_changed").asLong(), ledger.path("rows_unchanged").asLong(), ledger.path("rows_unknown_org_or_key").asLong());
        printReadBack(context);
    }

    /**
     * The streaming jobs' tables read back from Delta (what their results became): each table's size and one org's
     * newest rows.
     */
    private static void printReadBack(DemoContext context) {
        Optional<String> org;
        try {
            org = StreamStage.firstOrg(context.config());
        } catch (SQLException e) {
            throw CliError.failed("cannot read the orgs from PostgreSQL", e.getMessage(), null);
        }
        if (org.isEmpty()) {
            return;
        }
        JobLauncher.JobRun peek = new JobLauncher(context.config(), context.repositoryRoot()).run(JobLauncher.Engine.SPARK,
                List.of("--peek", "usage_hourly,usage_daily,sessions", "--org", org.get(), "--n", "3"), line -> { });
        if (!peek.ok() || peek.result() == null) {
            throw CliError.failed("reading the offline store back failed (exit " + peek.exitCode() + ")",
                    String.join(" | ", peek.tail().subList(Math.max(0, peek.tail().size() - 3), peek.tail().size())), null);
        }
        for (JsonNode table : peek.result().path("peek")) {
            if (!table.has("delta_version")) {
                context.out().printf("      Delta: %s not landed yet (run ./tunetrail stream first)%n", table.path("table").asText());
                continue;
            }
            // The whole table, from Delta's snapshot (checkpoint + later commits, on disk or on S3).
            context.out().printf("      Delta: %s %,d rows, %d orgs, version %d; org %s's newest rows:%n", table.path("table").asText(),
                    table.path("table_rows").asLong(), table.path("table_orgs").asLong(), table.path("delta_version").asLong(), org.get());
            if (table.path("rows").isEmpty()) {
                context.out().println("        (none of this org)");
            }
            int shown = 0;
            for (JsonNode row : table.path("rows")) {
                // A session row is wide: one is enough to see what the job wrote.
                if (table.path("table").asText().equals("sessions") && shown++ > 0) {
                    break;
                }
                context.out().println("        " + row);
            }
        }
    }
}
