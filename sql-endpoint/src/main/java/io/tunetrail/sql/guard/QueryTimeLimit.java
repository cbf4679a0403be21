package io.tunetrail.sql.guard;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Cancels an analyst's statement that runs longer than {@code sql.query-timeout-seconds}, with a reason that names the
 * limit. The Thrift server runs each statement's Spark jobs under a job group of its own; a statement's clock starts
 * with its first job, and a watchdog cancels every running job of a group past the limit. (The server's built-in
 * timeout answers JDBC clients "timed out after 0 seconds" when they set none, which explains nothing.)
 */
public final class QueryTimeLimit extends SparkListener implements AutoCloseable {
    private static final String JOB_GROUP = "spark.jobGroup.id";

    private record Statement(long startedNanos, Set<Integer> runningJobs) {}

    private final SparkContext spark;
    private final Duration limit;
    private final Map<String, Statement> statements = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sql-query-time-limit");
        t.setDaemon(true);
        return t;
    });

    public QueryTimeLimit(SparkContext spark, Duration limit) {
        this.spark = spark;
        this.limit = limit;
        spark.addSparkListener(this);
        watchdog.scheduleWithFixedDelay(this::cancelOverdue, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String group = job.properties() == null ? null : job.properties().getProperty(JOB_GROUP);
        if (group != null) {
            statements.computeIfAbsent(group, g -> new Statement(System.nanoTime(), ConcurrentHashMap.newKeySet())).runningJobs().add(job.jobId());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd job) {
        statements.values().forEach(s -> s.runningJobs().remove(job.jobId()));
        // A statement whose jobs are all done keeps its clock only briefly: the next statement gets a new group id.
        statements.entrySet().removeIf(e -> e.getValue().runningJobs().isEmpty()
                && System.nanoTime() - e.getValue().startedNanos() > limit.toNanos());
    }

    private void cancelOverdue() {
        long now = System.nanoTime();
        statements.forEach((group, s) -> {
            if (now - s.startedNanos() > limit.toNanos()) {
                for (Integer jobId : s.runningJobs()) {
                    spark.cancelJob(jobId, "because the query ran longer than " + limit.toSeconds() + " s, the limit "
                            + PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS.name() + " sets; narrow it (filter on a partition "
                            + "column such as event_date) or ask for a higher limit");
                }
                s.runningJobs().clear();
            }
        });
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        spark.removeSparkListener(this);
    }
}
