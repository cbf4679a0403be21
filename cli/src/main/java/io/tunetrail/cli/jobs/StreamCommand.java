package io.tunetrail.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.setup.Setup;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail stream}: the Flink jobs (usage counters, session features) on a local MiniCluster. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Run the streaming jobs: per-org usage counters and per-user session features, exactly once.",
            "Runs the streaming-jobs jar on a Flink MiniCluster in a JVM of its own. Without --until-idle it runs until",
            "stopped (Ctrl-C), resuming from the committed offsets; with it, it reads what the topics hold now and stops.",
            "With --cluster the jar goes to the local Flink session cluster (./tunetrail cluster start --flink), as",
            "flink run -c io.tunetrail.streaming.StreamingJobsMain <jar> does on any cluster: with --until-idle the command",
            "waits for the job; without, it returns once the job runs there, and --cluster --stop cancels it."})
public final class StreamCommand implements Callable<Integer> {

    /** The jobs of the jar. */
    public static final List<String> JOBS = List.of("usage-counters", "session-features", "all");

    @Option(names = "--job", paramLabel = "JOB", description = "usage-counters, session-features or all (default: all)")
    String job = "all";

    @Option(names = "--until-idle", description = "Stop once the events the topics hold at the start are processed")
    boolean untilIdle;

    @Option(names = "--cluster", description = "Submit to the local Flink session cluster, checkpoints under "
            + "<home>/cluster/flink/checkpoints (or stream.checkpoint-dir when it is an s3a:// bucket).")
    boolean cluster;

    @Option(names = "--stop", description = "With --cluster: stop the streaming jobs running there with a savepoint each "
            + "(in the job's checkpoint folder), which the next 'stream --cluster' restores.")
    boolean stop;

    @Option(names = "--no-savepoint", description = "With --cluster --stop: cancel instead (when a savepoint keeps failing); "
            + "the next 'stream --cluster' resumes from the newest checkpoint the jobs retained.")
    boolean noSavepoint;

    @Override
    public Integer call() {
        if (!JOBS.contains(job)) {
            throw CliError.usage("unknown job '" + job + "'", "Use --job with one of " + String.join(", ", JOBS));
        }
        if (stop && (!cluster || untilIdle)) {
            throw CliError.usage("--stop applies to --cluster only, without --until-idle", "use: tunetrail stream --cluster --stop");
        }
        if (noSavepoint && !(cluster && stop)) {
            throw CliError.usage("--no-savepoint applies to --cluster --stop only", "use: tunetrail stream --cluster --stop --no-savepoint");
        }
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail stream");
        }
        PlatformConfig config = TunetrailCli.config();
        if (cluster && stop && noSavepoint) {
            List<String> cancelled = new FlinkSessionJobs(config, root).cancelStreamingJobs();
            System.out.println(cancelled.isEmpty() ? "No streaming job runs on the local Flink cluster."
                    : "Cancelled " + String.join(", ", cancelled) + " without a savepoint; their retained checkpoints are under "
                    + new io.tunetrail.cli.stack.ClusterSubmit(config, root).flinkCheckpointDir());
            return 0;
        }
        if (cluster && stop) {
            Map<String, String> savepoints = new FlinkSessionJobs(config, root).stopWithSavepoints();
            if (savepoints.isEmpty()) {
                System.out.println("No streaming job runs on the local Flink cluster.");
            }
            savepoints.forEach((id, path) -> System.out.println("Stopped " + id + " with the savepoint " + path
                    + "; the next ./tunetrail stream --cluster restores it"));
            return 0;
        }
        if (cluster && !untilIdle) {
            String id = new FlinkSessionJobs(config, root).submit(job, System.out::println);
            System.out.println("Job " + id + " runs on the local Flink cluster; stop it with ./tunetrail stream --cluster --stop");
            return 0;
        }
        JsonNode result = run(JobLauncher.of(config, root, cluster), job, untilIdle, System.out::println);
        System.out.println();
        System.out.println(describe(result));
        return 0;
    }

    /** Runs the jar and returns its final JSON line (counters per job); fails with the job's last lines. */
    public static JsonNode run(PlatformConfig config, Path root, String job, boolean untilIdle, Consumer<String> output) {
        return run(new JobLauncher(config, root), job, untilIdle, output);
    }

    /** {@link #run(PlatformConfig, Path, String, boolean, Consumer)} through {@code launcher} (local or on the cluster). */
    public static JsonNode run(JobLauncher launcher, String job, boolean untilIdle, Consumer<String> output) {
        List<String> args = new ArrayList<>(List.of("--job", job));
        if (untilIdle) {
            args.add("--until-idle");
        }
        JobLauncher.JobRun run = launcher.run(JobLauncher.Engine.FLINK, args, output);
        if (!run.ok() || run.result() == null) {
            List<String> tail = run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size());
            throw CliError.failed("the streaming job " + job + " failed", "the Flink job exited with " + run.exitCode() + ": "
                    + String.join(" | ", tail), "See its output above; the stack must be running (./tunetrail stack status)");
        }
        return run.result();
    }

    /** One line per job: what it read, accepted, and sent to the dead-letter topic, by reason. */
    public static String describe(JsonNode result) {
        StringBuilder out = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                continue;
            }
            JsonNode c = e.getValue();
            out.append(String.format("%-17s read %,d  accepted %,d  dead letters: malformed JSON %,d, schema %,d, future %,d, late %,d"
                    + " (window-late %,d)%n", e.getKey().replace('_', '-'), c.path("records_read").asLong(), c.path("accepted").asLong(),
                    c.path("malformed_json").asLong(), c.path("schema_violation").asLong(), c.path("future_event").asLong(),
                    c.path("late_event").asLong(), c.path("window_late").asLong()));
        }
        return out.toString().stripTrailing();
    }
}
