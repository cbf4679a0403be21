package io.tunetrail.batch;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.batch.nightly.TrainingJobKind;
import io.tunetrail.batch.nightly.TrainingRequests;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.alerts.CostCapAlerts;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.jobs.JobKind;
import io.tunetrail.store.jobs.JobLeases;
import io.tunetrail.store.jobs.JobWorker;
import io.tunetrail.store.registry.TrainingQueue;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --worker}: the standing job worker in this JVM, with one Spark session for all its jobs. The job kinds it
 * runs are listed in {@link #kinds}; SIGTERM stops it cleanly (running jobs are stopped and their leases given back).
 */
final class WorkerMode {
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private WorkerMode() {}

    /** The worker's options from the command line and the configuration; fails with a one-line reason naming the option. */
    static JobWorker.Options options(Map<String, String> options, PlatformConfig config) {
        options(options);
        String id = options.getOrDefault("id", ManagementFactory.getRuntimeMXBean().getName());
        Duration lease = Duration.ofSeconds(config.getInt(PlatformConfig.TRAINING_LEASE_SECONDS));
        Duration heartbeat = Duration.ofMillis(config.getInt(PlatformConfig.WORKER_HEARTBEAT_MS));
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException(PlatformConfig.WORKER_HEARTBEAT_MS.name() + " (" + heartbeat.toMillis() + " ms) must be "
                    + "below " + PlatformConfig.TRAINING_LEASE_SECONDS.name() + " (" + lease.toSeconds() + " s)");
        }
        int pollMs = Integer.parseInt(options.getOrDefault("poll-ms", String.valueOf(config.getInt(PlatformConfig.WORKER_POLL_MS))));
        return new JobWorker.Options(id, Integer.parseInt(options.getOrDefault("max-jobs", "1")), Duration.ofMillis(pollMs),
                options.containsKey("once"), lease, heartbeat,
                new JobLeases.Backoff(Duration.ofMillis(config.getInt(PlatformConfig.WORKER_RETRY_BASE_MS)),
                        Duration.ofMillis(config.getInt(PlatformConfig.WORKER_RETRY_MAX_MS))));
    }

    /** The command line alone (before any configuration is loaded). */
    static void options(Map<String, String> options) {
        JobWorker.checkCommandLine(options.get("id"), options.get("max-jobs"), options.get("poll-ms"));
    }

    /** The kinds of job this worker runs. A new kind is one more entry here (and its table in JobTable.ALL). */
    static List<JobKind> kinds(SparkSession spark, PlatformConfig config, HikariDataSource db, JobWorker.Options options) {
        PlanCatalog plans = PlanCatalog.load();
        TrainingQueue queue = new TrainingQueue(db, plans, options.id(), options.lease(), options.backoff());
        CostMeter costs = CostCapAlerts.alertingMeter(db, plans, CostCatalog.load(), Clock.systemUTC());
        return List.of(new TrainingJobKind(spark, new TrainingRequests(spark, config, System.out::println), queue, db,
                SparkCpuMeter.attach(spark), costs));
    }

    static Map<String, Object> run(SparkSession spark, PlatformConfig config, Map<String, String> commandLine) {
        JobWorker.Options options = options(commandLine, config);
        try (HikariDataSource db = Database.connect(config, 2 + 2 * options.maxJobs())) {
            JobWorker worker = new JobWorker(db, PlanCatalog.load(), kinds(spark, config, db, options), options, System.out::println);
            Thread hook = new Thread(() -> {
                worker.stop();
                try {
                    worker.awaitStopped(STOP_GRACE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tunetrail-worker-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("worker " + options.id() + ": taking jobs (max " + options.maxJobs() + " at once"
                    + (options.once() ? ", until none is left" : "") + ")");
            JobWorker.Summary summary = worker.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM: the hook is what stopped the worker.
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("worker", options.id());
            json.put("succeeded", summary.succeeded());
            json.put("retried", summary.retried());
            json.put("failed", summary.failed());
            json.put("cancelled", summary.cancelled());
            json.put("released", summary.released());
            json.put("lost", summary.lost());
            return json;
        }
    }
}
