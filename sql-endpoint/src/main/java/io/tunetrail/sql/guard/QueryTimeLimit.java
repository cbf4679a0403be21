package io.tunetrail.sql.guard;

import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationClosed;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;

/**
 * Cancels an analyst's query whose Spark job runs longer than {@code sql.query-timeout-seconds}, with a reason that
 * names the limit: a watchdog looks at the running jobs every 200 ms. (The Thrift server's built-in timeout answers
 * JDBC clients "timed out after 0 seconds" when they set none, which explains nothing.) Only jobs of statements
 * that came through the Thrift server count, so the endpoint's own catalogue work never does. A job's clock starts when it
 * is submitted, so time queued behind another query counts.
 */
public final class QueryTimeLimit extends SparkListener implements AutoCloseable {
    private static final String JOB_GROUP = "spark.jobGroup.id";
    private final SparkContext spark;
    private final Duration limit;
    private final Map<Integer, Long> running = new ConcurrentHashMap<>();
    private final Map<String, String> statements = new ConcurrentHashMap<>();
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
    public void onOtherEvent(SparkListenerEvent event) {
        // The Thrift server announces each statement with the job group its jobs will run under, on this same bus
        // and before the jobs; the endpoint's own work (and Delta's under it) is never announced.
        if (event instanceof SparkListenerThriftServerOperationStart start) {
            statements.put(start.id(), start.groupId());
        } else if (event instanceof SparkListenerThriftServerOperationClosed closed) {
            statements.remove(closed.id());
        }
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String group = job.properties() == null ? null : job.properties().getProperty(JOB_GROUP);
        if (group != null && statements.containsValue(group)) {
            running.put(job.jobId(), System.nanoTime());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd job) {
        running.remove(job.jobId());
    }

    private void cancelOverdue() {
        long now = System.nanoTime();
        running.forEach((jobId, started) -> {
            if (now - started > limit.toNanos() && running.remove(jobId) != null) {
                spark.cancelJob(jobId, "because the query ran longer than " + limit.toSeconds() + " s, the limit "
                        + PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS.name() + " sets; narrow it (filter on a partition "
                        + "column such as event_date) or ask for a higher limit");
            }
        });
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        spark.removeSparkListener(this);
    }
}
