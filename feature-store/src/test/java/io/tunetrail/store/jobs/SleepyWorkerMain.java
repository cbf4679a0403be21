package io.tunetrail.store.jobs;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.Database;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A worker in a JVM of its own for {@link JobWorkerIT} to kill mid-job: it claims one job with a one-second lease,
 * reports stage {@code sleeping}, prints {@code sleeping <job id>} and sleeps until killed. Arguments: the database name and the worker id.
 */
public final class SleepyWorkerMain {
    private SleepyWorkerMain() {}

    public static void main(String[] args) {
        PlatformConfig config = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), args[0]));
        JobKind sleeper = new JobKind() {
            @Override
            public JobTable table() {
                return JobTable.TRAINING;
            }

            @Override
            public Map<String, Object> run(LeasedJob job, JobControl control) throws Exception {
                control.progress("sleeping", 10);
                // Said on stdout, not only through the queue: a heartbeat that comes after the short lease is refused,
                // so on a loaded machine the stage may never reach the table.
                System.out.println("sleeping " + job.jobId());
                Thread.sleep(Long.MAX_VALUE);
                return Map.of();
            }
        };
        new JobWorker(Database.connect(config, 3), PlanCatalog.load(), List.of(sleeper), new JobWorker.Options(args[1], 1,
                Duration.ofMillis(50), false, Duration.ofSeconds(1), Duration.ofMillis(200), JobWorkerIT.BACKOFF), System.out::println).run();
    }
}
