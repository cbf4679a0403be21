package io.tunetrail.streaming.common;

import io.tunetrail.model.RejectReason;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The first operator of each job, chained to the source: passes accepted events on, sends refused and late records
 * to the {@link #DEAD_LETTERS} side output with their reason, and counts every path (a Flink metric and an
 * accumulator per path, named in {@link JobCounters}).
 *
 * <p><b>Lateness is decided here, per Kafka partition, not by the window operators.</b> An event is late when its event
 * time is more than {@code out-of-orderness + allowed lateness} behind the newest event already accepted from its
 * partition. The watermark is generated with that same bound, so the window operators never see an event they would
 * drop (their watermark is at most the partition's newest event time minus the bound, minus 1 ms). Decided here, the
 * verdict depends only on the order of records within a partition, which Kafka keeps: it is the same on every run, at
 * any parallelism, before and after a restore (the newest event time per partition is checkpointed with the offsets),
 * and a test can compute it exactly. The windows then fire once, when final, so every sink writes final values.
 */
public final class EventRouter<T> extends ProcessFunction<Envelope, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Refused and late records, for the dead-letter topic. */
    public static final OutputTag<Rejected> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(Rejected.class));

    private final String stage;
    private final long latenessBoundMs;
    private final SerializableFunction<Envelope, T> event;
    private transient Map<String, Long> newestPerPartition;
    private transient ListState<Tuple2<String, Long>> newestState;
    private transient Map<String, Counter> metrics;
    private transient Map<String, LongCounter> accumulators;

    /**
     * @param stage          the job's name, written to dead letters ({@code tt.stage})
     * @param latenessBoundMs out-of-orderness + allowed lateness
     * @param event          what to emit for an accepted envelope
     */
    public EventRouter(String stage, long latenessBoundMs, SerializableFunction<Envelope, T> event) {
        this.stage = stage;
        this.latenessBoundMs = latenessBoundMs;
        this.event = event;
    }

    @Override
    public void open(Configuration parameters) {
        metrics = new HashMap<>();
        accumulators = new HashMap<>();
        for (String name : JobCounters.ROUTER) {
            metrics.put(name, getRuntimeContext().getMetricGroup().counter(name));
            LongCounter acc = new LongCounter();
            // Prefixed with the job: both jobs may run in one Flink job (--job all), and accumulators merge by name.
            getRuntimeContext().addAccumulator(JobCounters.accumulator(stage, name), acc);
            accumulators.put(name, acc);
        }
    }

    @Override
    public void processElement(Envelope env, Context ctx, Collector<T> out) {
        count(JobCounters.READ);
        if (!env.accepted()) {
            deadLetter(env, env.rejectCode, env.rejectReason, ctx);
            return;
        }
        String partition = env.topicPartition();
        Long newest = newestPerPartition.get(partition);
        if (newest != null && env.eventTimeMs < newest - latenessBoundMs) {
            deadLetter(env, RejectReason.LATE_EVENT.name(), "event_time " + java.time.Instant.ofEpochMilli(env.eventTimeMs)
                    + " is " + (newest - env.eventTimeMs) / 1000 + " s behind the newest event of " + partition
                    + " (" + java.time.Instant.ofEpochMilli(newest) + "); at most " + latenessBoundMs / 1000
                    + " s (out-of-orderness + allowed lateness) are accepted", ctx);
            return;
        }
        if (newest == null || env.eventTimeMs > newest) {
            newestPerPartition.put(partition, env.eventTimeMs);
        }
        count(JobCounters.ACCEPTED);
        out.collect(event.apply(env));
    }

    private void deadLetter(Envelope env, String code, String reason, Context ctx) {
        count(code.toLowerCase(Locale.ROOT));
        ctx.output(DEAD_LETTERS, new Rejected(env.topic, env.partition, env.offset, env.key, env.value, code, reason,
                System.currentTimeMillis(), stage));
    }

    private void count(String name) {
        Counter c = metrics.get(name);
        if (c == null) {
            // A reject code without a counter of its own still counts, under "other".
            name = JobCounters.OTHER;
            c = metrics.get(name);
        }
        c.inc();
        accumulators.get(name).add(1L);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.clear();
        for (Map.Entry<String, Long> e : newestPerPartition.entrySet()) {
            newestState.add(Tuple2.of(e.getKey(), e.getValue()));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after a restore at another parallelism every subtask sees every partition's entry, so whichever
        // subtask now reads a partition continues from its newest event time.
        newestState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("newest-event-time-per-partition",
                TypeInformation.of(new TypeHint<Tuple2<String, Long>>() {})));
        newestPerPartition = new HashMap<>();
        for (Tuple2<String, Long> e : newestState.get()) {
            newestPerPartition.merge(e.f0, e.f1, Math::max);
        }
    }
}
