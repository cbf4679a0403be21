package io.tunetrail.streaming.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A pass-through operator that fails the job once: on the first record after it has passed {@code after} records
 * (per subtask) <em>and</em> seen a checkpoint complete, so the restart restores real state and replays records the
 * checkpoint did not cover. Until then it slows down slightly, so a checkpoint does complete mid-stream. The flag
 * lives in a static map (the MiniCluster runs in the test's JVM) under a name unique to the test.
 */
public final class FailOnce<T> implements MapFunction<T, T>, CheckpointListener {
    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String name;
    private final long after;
    private long seen;
    private boolean checkpointed;

    public FailOnce(String name, long after) {
        this.name = name;
        this.after = after;
        FAILED.put(name, new AtomicBoolean());
    }

    public static boolean failed(String name) {
        return FAILED.get(name).get();
    }

    @Override
    public T map(T value) throws Exception {
        seen++;
        AtomicBoolean failed = FAILED.get(name);
        if (seen >= after && !failed.get()) {
            if (checkpointed && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + seen + " records (test " + name + ")");
            }
            Thread.sleep(2);
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
