package io.tunetrail.batch.costs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Measures the CPU time of one run of work on a shared Spark session: the executor CPU time
 * ({@code executorCpuTime + executorDeserializeCpuTime}) of every task of the stages its thread submitted, plus the CPU
 * time of the thread that drove it (query planning, collecting results, JDBC writes from the driver).
 *
 * <p>Runs are told apart by a Spark local property ({@link #TAG}) that {@link #start} sets on the calling thread, so
 * several runs on one session (a worker's concurrent jobs) are measured apart; threads the run starts inherit the tag
 * (Spark's local properties are inherited), so their stages are the run's too. Not counted: CPU of other driver threads
 * (the listener bus, shuffle and RPC threads, Delta's log threads), garbage collection and JIT compilation, and what
 * PostgreSQL and Redis spend serving the run.
 */
public final class SparkCpuMeter extends SparkListener {
    /** The local property that tags a run's stages. */
    public static final String TAG = "tunetrail.cost.tag";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long DRAIN_MILLIS = 30_000;
    private static final Map<SparkContext, SparkCpuMeter> METERS = new java.util.IdentityHashMap<>();

    private final SparkContext context;
    private final Map<Integer, String> stageTags = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> executorNanos = new ConcurrentHashMap<>();

    private SparkCpuMeter(SparkContext context) {
        this.context = context;
    }

    /**
     * The meter listening on the session's context: one per context, since runs are told apart by their tag. A JVM that
     * drains requests or runs chains again and again (the worker, the tests) would otherwise add a listener per run,
     * each of which sees every later event.
     */
    public static SparkCpuMeter attach(SparkSession spark) {
        SparkContext context = spark.sparkContext();
        synchronized (METERS) {
            METERS.keySet().removeIf(SparkContext::isStopped);
            return METERS.computeIfAbsent(context, c -> {
                SparkCpuMeter meter = new SparkCpuMeter(c);
                c.addSparkListener(meter);
                return meter;
            });
        }
    }

    /** What a run used, in CPU seconds; {@code complete} false when Spark's listener events could not all be read in time. */
    public record Cpu(double executorSeconds, double driverSeconds, boolean complete) {}

    /**
     * Starts measuring the work this thread submits under {@code tag} (unique per run, e.g. {@code training/tr_1/2}) until
     * {@link Measurement#stop}; a run started inside another one takes its own tasks out of the outer one's.
     */
    public Measurement start(String tag) {
        if (executorNanos.putIfAbsent(tag, new LongAdder()) != null) {
            throw new IllegalStateException("a run tagged '" + tag + "' is already being measured");
        }
        String outer = context.getLocalProperty(TAG);
        context.setLocalProperty(TAG, tag);
        return new Measurement(tag, outer, THREADS.getCurrentThreadCpuTime());
    }

    /** One run being measured; stop it on the thread that started it. */
    public final class Measurement {
        private final String tag;
        private final String outer;
        private final long driverStart;

        private Measurement(String tag, String outer, long driverStart) {
            this.tag = tag;
            this.outer = outer;
            this.driverStart = driverStart;
        }

        public String tag() {
            return tag;
        }

        public Cpu stop() {
            long driver = THREADS.getCurrentThreadCpuTime() - driverStart;
            context.setLocalProperty(TAG, outer);
            boolean complete = true;
            try {
                // Task-end events reach listeners asynchronously: read all that are queued before summing.
                context.listenerBus().waitUntilEmpty(DRAIN_MILLIS);
            } catch (TimeoutException e) {
                complete = false;
            }
            LongAdder nanos = executorNanos.remove(tag);
            return new Cpu(nanos.sum() / 1e9, Math.max(0, driver) / 1e9, complete);
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        String tag = submitted.properties() == null ? null : submitted.properties().getProperty(TAG);
        if (tag != null) {
            stageTags.put(submitted.stageInfo().stageId(), tag);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        String tag = stageTags.get(end.stageId());
        TaskMetrics metrics = end.taskMetrics();
        if (tag == null || metrics == null) {
            return;
        }
        LongAdder nanos = executorNanos.get(tag);
        if (nanos != null) {
            nanos.add(metrics.executorCpuTime() + metrics.executorDeserializeCpuTime());
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        stageTags.remove(completed.stageInfo().stageId());
    }
}
