package io.tunetrail.streaming.common;

import io.tunetrail.model.EventCodec;
import io.tunetrail.model.RejectReason;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the late-data side output of a window operator into dead letters, counted as {@link JobCounters#WINDOW_LATE}.
 * Bounded runs never produce any ({@link EventRouter} dead-letters late events before a window can see them);
 * continuous runs can, when a partition wakes up after being idle. The window only has the decoded event, so the
 * dead letter's value is that event as JSON (flattened), not the original bytes.
 */
public final class WindowLate<T> extends ProcessFunction<T, Rejected> {
    private final String stage;
    private transient Counter metric;
    private transient LongCounter accumulator;

    public WindowLate(String stage) {
        this.stage = stage;
    }

    @Override
    public void open(Configuration parameters) {
        metric = getRuntimeContext().getMetricGroup().counter(JobCounters.WINDOW_LATE);
        accumulator = new LongCounter();
        getRuntimeContext().addAccumulator(JobCounters.accumulator(stage, JobCounters.WINDOW_LATE), accumulator);
    }

    @Override
    public void processElement(T event, Context ctx, Collector<Rejected> out) throws Exception {
        metric.inc();
        accumulator.add(1L);
        byte[] json = EventCodec.mapper().writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
        out.collect(new Rejected("window", -1, -1, null, json, RejectReason.LATE_EVENT.name(),
                "event reached a window after the watermark had closed it (its partition had been idle)",
                System.currentTimeMillis(), stage));
    }
}
