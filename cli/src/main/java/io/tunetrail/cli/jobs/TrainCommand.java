package io.tunetrail.cli.jobs;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail train}: the nightly chain, one of its jobs, or the queued custom training requests. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Run the nightly batch: ALS, similarities, correlations, embeddings, evaluation, materialisation.",
            "Reads the offline store's interactions (./tunetrail land first) and the catalog in PostgreSQL; writes",
            "versioned Delta tables, registers model versions, promotes them under each org's plan policy, and",
            "serves them from Redis and PostgreSQL. Runs the batch-training jar on Spark local[*]; with --cluster it submits",
            "it to the local Spark standalone cluster (./tunetrail cluster start --spark), as",
            "spark-submit --class io.tunetrail.batch.BatchJobsMain <jar> --all does on any cluster"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--job", paramLabel = "NAME", description = "Only this job (als, als-global, track-similarity, user-similarity, "
            + "genre-correlations, temporal-patterns, context-correlations, audio-analysis, audio-embeddings, evaluate, materialise, catalog-snapshot, marts).")
    String job;

    @Option(names = "--all", description = "The whole chain, in order (the default).")
    boolean all;

    @Option(names = "--org", paramLabel = "ORG", description = "Only this org's data.")
    String org;

    @Option(names = "--requests", description = "Run the queued custom training requests instead, most urgent first.")
    boolean requests;

    @Option(names = "--as-of", paramLabel = "YYYY-MM-DD", description = "Recompute that UTC day: read the offline store's "
            + "interactions as they stood at its end (Delta time travel), so a re-run gives the same rows.")
    String asOf;

    @Option(names = "--list-orgs", description = "Print the orgs a run would train (those with landed interactions) as one "
            + "JSON line, for a scheduler that runs one task per org.")
    boolean listOrgs;

    @Option(names = "--cluster", description = "Submit to the local Spark standalone cluster (executors on its workers) "
            + "instead of running Spark local[*].")
    boolean cluster;

    @Override
    public Integer call() {
        if ((job != null ? 1 : 0) + (all ? 1 : 0) + (requests ? 1 : 0) + (listOrgs ? 1 : 0) > 1) {
            throw CliError.usage("--job, --all, --requests and --list-orgs exclude each other", "give one of them (none means --all)");
        }
        if (asOf != null && requests) {
            throw CliError.usage("--as-of does not apply to --requests", "a request trains on the newest data");
        }
        if (asOf != null && !asOf.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw CliError.usage("--as-of needs a date as YYYY-MM-DD, got '" + asOf + "'", "e.g. --as-of 2026-03-04");
        }
        if (requests && org != null) {
            throw CliError.usage("--org does not apply to --requests", "each request names its org");
        }
        List<String> args = new ArrayList<>();
        if (requests) {
            args.add("--requests");
        } else if (listOrgs) {
            args.add("--orgs");
        } else if (job != null) {
            args.addAll(List.of("--job", job));
        } else {
            args.add("--all");
        }
        if (org != null) {
            args.addAll(List.of("--org", org));
        }
        if (asOf != null) {
            args.addAll(List.of("--as-of", asOf));
        }
        JobLauncher.JobRun run;
        try (TrainProgress progress = TrainProgress.on(System.out, System.out::println)) {
            run = BatchJobs.run(JobLauncher.of(TunetrailCli.config(), BatchJobs.root("train"), cluster), args, "training", progress);
        }
        if (listOrgs) {
            // Last, whatever the job logged after it: a scheduler reads the final line (Airflow's BashOperator XCom).
            System.out.println(run.result());
        }
        return 0;
    }
}
