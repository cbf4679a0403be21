package io.tunetrail.cli.jobs;

import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.store.jobs.JobWorker;
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

    @Option(names = "--cluster", description = "Run the worker's Spark driver against the local Spark standalone cluster "
            + "(its jobs' executors on the workers) instead of Spark local[*].")
    boolean cluster;

    @Override
    public Integer call() {
        // Refused here, before a Spark JVM starts; an IllegalArgumentException is a usage error (exit 2).
        JobWorker.checkCommandLine(id, maxJobs == null ? null : maxJobs.toString(), pollMs == null ? null : pollMs.toString());
        List<String> args = new ArrayList<>(List.of("--worker"));
        if (id != null) {
            args.addAll(List.of("--id", id));
        }
        if (maxJobs != null) {
            args.addAll(List.of("--max-jobs", maxJobs.toString()));
        }
        if (pollMs != null) {
            args.addAll(List.of("--poll-ms", pollMs.toString()));
        }
        if (once) {
            args.add("--once");
        }
        Thread forward = new Thread(WorkerCommand::stopChildren, "tunetrail-worker-forward-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        BatchJobs.run(JobLauncher.of(TunetrailCli.config(), BatchJobs.root("worker"), cluster), args, "worker", System.out::println);
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
