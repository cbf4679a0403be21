package io.tunetrail.cli.jobs;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.setup.Setup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail land}: the event topics into the offline store's raw Delta tables, exactly once. */
@Command(name = "land", mixinStandardHelpOptions = true,
        description = {"Land the event topics in the offline store's Delta tables, exactly once.",
            "Runs the batch-training jar's lander on Spark local[*]: each run takes what arrived since the last",
            "(offsets live in Delta checkpoints) and stops. Records that do not parse land in dead_letters.",
            "With --cluster it submits the jar to the local Spark standalone cluster, as any cluster runs it:",
            "spark-submit --class io.tunetrail.batch.BatchJobsMain <jar> --job land"})
public final class LandCommand implements Callable<Integer> {

    @Option(names = "--cluster", description = "Submit to the local Spark standalone cluster instead of running Spark local[*].")
    boolean cluster;

    @Override
    public Integer call() {
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail land");
        }
        JobLauncher.JobRun run = JobLauncher.of(TunetrailCli.config(), root, cluster)
                .run(JobLauncher.Engine.SPARK, List.of("--job", "land"), System.out::println);
        if (!run.ok()) {
            List<String> tail = run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size());
            throw CliError.failed("landing the topics failed", "the Spark job exited with " + run.exitCode() + ": "
                    + String.join(" | ", tail), "See its output above");
        }
        return 0;
    }
}
