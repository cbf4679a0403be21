package io.tunetrail.batch;

import java.util.List;

/**
 * Entry point of the batch-training jar, for {@code ./tunetrail train} (Spark local[*]) and {@code spark-submit}
 * (cluster): {@code --job <name>} picks the job. The nightly jobs are not built yet; until they are, the jar says so
 * and exits with status 2 rather than pretending to run.
 */
public final class BatchJobsMain {
    /** The jobs this jar can run. */
    static final List<String> JOBS = List.of();

    private BatchJobsMain() {}

    public static void main(String[] args) {
        System.err.println("tunetrail-batch-training: no batch job is available in this build (known jobs: "
                + (JOBS.isEmpty() ? "none yet" : String.join(", ", JOBS)) + ")");
        System.exit(2);
    }
}
