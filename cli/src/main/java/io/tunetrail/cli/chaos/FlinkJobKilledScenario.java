package io.tunetrail.cli.chaos;

import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Scenario 2 of issue 11: the streaming jobs' JVM is killed ({@code SIGKILL}) mid-stream and started again. The new run
 * must restore the newest retained checkpoint (Kafka offsets, windows, sessions, the lateness rule's state), not start
 * afresh, and the results must equal the ground truth: no event lost, none counted twice.
 */
public final class FlinkJobKilledScenario implements ChaosScenario {
    private final Path root;

    public FlinkJobKilledScenario() {
        this(null);
    }

    /** @param root the repository whose job jars to run; null means {@code TUNETRAIL_ROOT} */
    public FlinkJobKilledScenario(Path root) {
        this.root = root;
    }

    @Override
    public String name() {
        return "flink-job-killed";
    }

    @Override
    public String description() {
        return "the streaming jobs' JVM is killed mid-stream; the restart restores the newest checkpoint; results equal the truth";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        try (StreamingRun s = StreamingRun.prepare(config, root, name(), progress)) {
            BackgroundJob first = s.start(progress);
            if (!s.awaitMidStream(first)) {
                return new Outcome(false, "the job ended before it could be killed mid-stream", "nothing measured: " + first.await(Duration.ZERO).exitCode());
            }
            first.kill();
            progress.accept("killed the streaming jobs' JVM (SIGKILL) after a checkpoint, with results flowing; starting them again");
            JobLauncher.JobRun killed = first.await(Duration.ofMinutes(1));
            long t0 = System.nanoTime();
            JobLauncher.JobRun second = s.runAgain(progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!second.ok() || second.result() == null) {
                return new Outcome(false, "the restarted jobs failed (exit " + second.exitCode() + ")", String.join(" | ", second.tail()));
            }
            String restoredFrom = second.result().path("restored_from").asText(null);
            long readAfter = second.result().path("session_features").path("records_read").asLong(-1);
            StreamingTruth.Comparison truth = StreamingTruth.compare(s.world, s.workload);
            boolean resumed = restoredFrom != null && readAfter >= 0 && readAfter < s.workload.size();
            // A finished run leaves nothing to restore: the next run must start afresh, not replay this one.
            boolean leftNothing = s.retainedCheckpoints() == 0;
            String did = resumed
                    ? "the restart restored the newest retained checkpoint and re-read only what came after it; exactly-once sinks and absolute Redis writes kept results exact"
                    : "the restart did not resume from a checkpoint (restored_from " + restoredFrom + ", re-read " + readAfter + " events)";
            String measured = String.format("killed run exit %d; restart re-read %,d of %,d events in %.1f s; %s; checkpoints left after"
                    + " it finished: %s%s", killed.exitCode(), readAfter, s.workload.size(), seconds, truth.measured(), leftNothing ? "none" : "SOME",
                    truth.exact() ? "" : "; DIFFERENCES: " + String.join("; ", truth.differences()));
            return new Outcome(resumed && leftNothing && truth.exact(), did, measured);
        }
    }
}
