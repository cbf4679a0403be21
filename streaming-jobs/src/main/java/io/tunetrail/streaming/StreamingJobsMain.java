package io.tunetrail.streaming;

import java.util.List;

/**
 * Entry point of the streaming-jobs jar, for {@code ./tunetrail stream} (MiniCluster) and {@code flink run} (cluster):
 * {@code --job <name>} picks the job. The jobs (usage-counters, session-features) are not built yet; until they are,
 * the jar says so and exits with status 2 rather than pretending to run.
 */
public final class StreamingJobsMain {
    /** The jobs this jar can run. */
    static final List<String> JOBS = List.of();

    private StreamingJobsMain() {}

    public static void main(String[] args) {
        System.err.println("tunetrail-streaming-jobs: no streaming job is available in this build (known jobs: "
                + (JOBS.isEmpty() ? "none yet" : String.join(", ", JOBS)) + ")");
        System.exit(2);
    }
}
