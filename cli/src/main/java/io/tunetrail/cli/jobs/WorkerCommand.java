package io.tunetrail.cli.jobs;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail worker}: the standing job worker. It runs in the batch-training jar's JVM (one Spark session for
 * all its jobs, the training {@code train --requests} runs); this verb checks the options, starts it, and on SIGTERM
 * passes the signal on and waits for it to finish or release its jobs.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Take jobs (custom training requests) from the PostgreSQL queue and run them, most urgent plan first,",
            "within each org's plan concurrency, retrying failures with backoff. Several workers may run at once, on any",
            "machine. Logs one line per job; SIGTERM stops it cleanly (running jobs are stopped and given back)."})
public final class WorkerCommand implements Callable<Integer> {
    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    @Option(names = "--id", paramLabel = "NAME", description = "This worker's name in the queue (default: pid@host).")
    String id;

    @Option(names = "--max-jobs", paramLabel = "N", description = "Jobs run at once by this worker (1..64, default 1).")
    Integer maxJobs;

    @Option(names = "--poll-ms", paramLabel = "MS", description = "Wait between looks at an empty queue (10..3600000; default "
            + "worker.poll-ms).")
    Integer pollMs;

    @Option(names = "--once", description = "Exit once no job is queued or running anywhere, instead of waiting for more.")
    boolean once;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(List.of("--worker"));
        if (id != null) {
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9@._:-]{0,99}")) {
                throw CliError.usage("--id must be 1 to 100 letters, digits or @._:- , got '" + id + "'", "e.g. --id worker-1");
            }
            args.addAll(List.of("--id", id));
        }
        if (maxJobs != null) {
            if (maxJobs < 1 || maxJobs > 64) {
                throw CliError.usage("--max-jobs needs a whole number from 1 to 64, got " + maxJobs, "e.g. --max-jobs 2");
            }
            args.addAll(List.of("--max-jobs", maxJobs.toString()));
        }
        if (pollMs != null) {
            if (pollMs < 10 || pollMs > 3_600_000) {
                throw CliError.usage("--poll-ms needs a whole number from 10 to 3600000, got " + pollMs, "e.g. --poll-ms 2000");
            }
            args.addAll(List.of("--poll-ms", pollMs.toString()));
        }
        if (once) {
            args.add("--once");
        }
        Thread forward = new Thread(WorkerCommand::stopChildren, "tunetrail-worker-forward-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        BatchJobs.run(TunetrailCli.config(), BatchJobs.root("worker"), args, "worker", System.out::println);
        return 0;
    }

    // SIGTERM reaches this JVM only; the worker JVM gets it passed on and is given time to release its jobs.
    private static void stopChildren() {
        ProcessHandle.current().children().forEach(child -> {
            child.destroy();
            try {
                child.onExit().get(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        });
    }
}
