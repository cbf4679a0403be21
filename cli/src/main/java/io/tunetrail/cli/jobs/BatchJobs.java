package io.tunetrail.cli.jobs;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the batch-training jar for the CLI's training verbs ({@code train}, {@code eval}, {@code bench batch}, the
 * demo's train stage) and turns a failure into one {@link CliError}: exit 2 of the jar (a wrong command line or a bad
 * input it refused) is a usage error, anything else a failed run, with the job's last lines as the reason.
 */
public final class BatchJobs {
    private BatchJobs() {}

    /** The repository root, or an error saying to go through {@code ./tunetrail}. */
    public static Path root(String verb) {
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail " + verb);
        }
        return root;
    }

    /** Runs the jar with {@code args}; output lines go to {@code output}; returns the run when it succeeded. */
    public static JobLauncher.JobRun run(PlatformConfig config, Path root, List<String> args, String what, Consumer<String> output) {
        return run(JobLauncher.of(config, root, false), args, what, output);
    }

    /** {@link #run(PlatformConfig, Path, List, String, Consumer)} through {@code launcher} (local or on the cluster). */
    public static JobLauncher.JobRun run(JobLauncher launcher, List<String> args, String what, Consumer<String> output) {
        JobLauncher.JobRun run = launcher.run(JobLauncher.Engine.SPARK, args, output);
        if (!run.ok() || run.result() == null) {
            List<String> tail = run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size());
            String reason = reason(tail);
            if (run.exitCode() == CliError.USAGE) {
                throw CliError.usage(what + ": " + reason, "see --help");
            }
            throw CliError.failed(what + " failed", "the Spark job exited with " + run.exitCode() + ": " + reason,
                    "See its output above");
        }
        return run;
    }

    // The jar's own one-line reason ("tunetrail-batch-training: ... failed: why") is the best summary when present.
    private static String reason(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            if (tail.get(i).startsWith("tunetrail-batch-training: ")) {
                return tail.get(i).substring("tunetrail-batch-training: ".length());
            }
        }
        return String.join(" | ", tail);
    }
}
