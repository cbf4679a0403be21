package io.tunetrail.cli.bench;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.cli.setup.Setup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench streaming}: the Flink jobs against a plain KafkaConsumer loop over the same pre-loaded events.
 * The measuring runs in the streaming-jobs jar's own JVM (Flink never enters the CLI's), in a world of its own (fresh
 * topics, a temporary database, prefixed org ids) that it removes afterwards.
 */
@Command(name = "streaming", mixinStandardHelpOptions = true,
        description = {"Measure the streaming jobs against a plain KafkaConsumer loop over the same events.",
            "Pre-loads N synthetic interactions into a fresh topic, then measures events/s of (a) a KafkaConsumer that",
            "decodes and validates them, (d) a Flink job that only decodes them, (b) usage-counters and (c) session-features",
            "(bounded runs with all their sinks), and the CPU time per event of each. Prints a table and, last, one JSON",
            "line with the *_ratio keys (vs a) and the *_cpu_us_per_event keys."})
public final class StreamingBenchCommand implements Callable<Integer> {

    @Option(names = "--events", paramLabel = "N", description = "Events to pre-load and process (default: 1000000)")
    long events = 1_000_000;

    @Override
    public Integer call() {
        if (events < 1000 || events > 50_000_000) {
            throw CliError.usage("--events " + events + " is out of range", "Use 1000 to 50000000 events");
        }
        Path root = Setup.repositoryRoot();
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set",
                    "Run it through ./tunetrail bench streaming");
        }
        JobLauncher.JobRun run = new JobLauncher(TunetrailCli.config(), root)
                .run(JobLauncher.Engine.FLINK, List.of("--bench", String.valueOf(events)), System.out::println);
        if (!run.ok() || run.result() == null) {
            List<String> tail = run.tail().subList(Math.max(0, run.tail().size() - 3), run.tail().size());
            throw CliError.failed("the streaming benchmark failed", "the benchmark JVM exited with " + run.exitCode() + ": "
                    + String.join(" | ", tail), "See its output above; the stack must be running (./tunetrail stack status)");
        }
        return 0;
    }
}
