package io.tunetrail.cli.chaos;

import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Scenario 2 of issue 11: the streaming jobs' JVM ({@code ./tunetrail stream}) is killed ({@code SIGKILL}) mid-stream
 * and started again. The new run must restore the newest retained checkpoint (Kafka offsets, windows, sessions, the
 * lateness rule's state) rather than start afresh, must claim it (so no later run goes back to it), and its results
 * must equal the ground truth: no event lost, none counted twice.
 */
public final class FlinkJobKilledScenario implements ChaosScenario {
    private static final String RESTORING = "from the retained checkpoint ";
    private static final String AFRESH = "no retained checkpoint of ";

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
                return new Outcome(false, "the job ended before it could be killed mid-stream", "exit " + first.await(Duration.ZERO).exitCode());
            }
            first.kill();
            int killedExit = first.await(Duration.ofMinutes(1)).exitCode();
            progress.accept("killed the streaming jobs' JVM (SIGKILL, exit " + killedExit + ") with sessions committed and windows open;"
                    + " starting them again");
            AtomicReference<String> restoredFrom = new AtomicReference<>();
            AtomicBoolean decided = new AtomicBoolean();
            long t0 = System.nanoTime();
            BackgroundJob second = s.start(line -> {
                int at = line.indexOf(RESTORING);
                if (at >= 0) {
                    restoredFrom.set(line.substring(at + RESTORING.length()).strip());
                }
                if (at >= 0 || line.contains(AFRESH)) {
                    decided.set(true);
                }
                progress.accept(line);
            });
            // When the killed run had committed everything, the results already equal the truth: wait for the restart
            // to say where it starts from before judging it, or it is judged before it has done anything.
            second.awaitWhileRunning(decided::get, Duration.ofMinutes(2));
            s.sendLaterFlush(progress);
            StreamingTruth.Comparison settled = s.awaitSettled(second);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // A claimed checkpoint is deleted once a newer one completes and subsumes it; on a quiet machine the results
            // settle before that, so give the running job time to get there: its first checkpoint after the restore took
            // a minute at a load average of 20 on 2 cores (the loop ends as soon as it is there).
            long claimDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (restoredFrom.get() != null && Files.exists(Path.of(restoredFrom.get(), "_metadata")) && System.nanoTime() < claimDeadline) {
                Thread.sleep(200);
            }
            boolean claimed = restoredFrom.get() != null && !Files.exists(Path.of(restoredFrom.get(), "_metadata"));
            second.kill();
            second.await(Duration.ofMinutes(1));
            // Stopped: what is committed now is final; it must still be the truth.
            StreamingTruth.Comparison last = StreamingTruth.compare(s.world, s.workload);
            boolean passed = restoredFrom.get() != null && claimed && settled.exact() && last.exact();
            String did = restoredFrom.get() == null ? "the restart did not restore a checkpoint"
                    : "the restart restored the newest retained checkpoint (" + Path.of(restoredFrom.get()).getFileName() + ") and claimed it;"
                    + " exactly-once sinks and absolute Redis writes kept the results exact";
            String measured = String.format("killed run exit %d; restored from %s (%s); results equal the truth %.1f s after the"
                    + " restart: %s%s", killedExit, restoredFrom.get() == null ? "nothing" : Path.of(restoredFrom.get()).getFileName(),
                    claimed ? "claimed: deleted once subsumed" : "NOT CLAIMED: still there", seconds, last.measured(),
                    last.exact() ? "" : "; DIFFERENCES: " + String.join("; ", last.differences()));
            return new Outcome(passed, did, measured);
        }
    }
}
