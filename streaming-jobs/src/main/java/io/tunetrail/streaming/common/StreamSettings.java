package io.tunetrail.streaming.common;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.StoreSpec;
import java.io.Serializable;

/**
 * Everything a streaming job needs to know, captured once from {@link PlatformConfig} and the command line: a
 * serialisable value the job's operators carry to the workers.
 *
 * @param untilIdle stop once the sources have read what the topics held when the job started
 * @param checkpointTimeoutMs  how long a checkpoint may take before Flink abandons it
 * @param transactionTimeoutMs the exactly-once Kafka sinks' transaction timeout; see {@link #TRANSACTION_MARGIN_MS}
 * @param checkpointStorage    where checkpoints go (a local folder or an S3 bucket) and the Flink settings that reach it
 * @param allowNonRestoredState restore even when the snapshot holds state of an operator the job no longer has
 */
public record StreamSettings(
        String bootstrapServers,
        String interactionsTopic,
        String usageTopic,
        String deadLetterTopic,
        String usageHourlyTopic,
        String usageDailyTopic,
        String sessionsTopic,
        int parallelism,
        long checkpointIntervalMs,
        long checkpointTimeoutMs,
        long transactionTimeoutMs,
        CheckpointStorage checkpointStorage,
        boolean allowNonRestoredState,
        long outOfOrdernessMs,
        long allowedLatenessMs,
        long maxFutureMs,
        long sessionGapMs,
        int recentTracks,
        boolean untilIdle,
        StoreSpec stores,
        int metricsPort) implements Serializable {

    /**
     * The least time a sink's Kafka transaction must have left after the longest checkpoint. A transaction is opened at
     * one checkpoint and committed when the next one completes, i.e. up to an interval plus a checkpoint timeout later;
     * a broker that aborts it sooner (its transaction timeout) loses the data of a checkpoint Flink then reports as
     * complete. The margin covers the commit round trip and a slow machine.
     */
    public static final long TRANSACTION_MARGIN_MS = 60_000;

    public StreamSettings {
        requireTransactionOutlivesCheckpoint(checkpointIntervalMs, checkpointTimeoutMs, transactionTimeoutMs);
    }

    /** Refuses timeouts with which a completed checkpoint could commit an already aborted Kafka transaction. */
    public static void requireTransactionOutlivesCheckpoint(long intervalMs, long checkpointTimeoutMs, long transactionTimeoutMs) {
        if (checkpointTimeoutMs < 1) {
            throw new IllegalArgumentException("configuration key " + PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS.describe() + " = "
                    + checkpointTimeoutMs + " must be at least 1");
        }
        long needed = intervalMs + checkpointTimeoutMs + TRANSACTION_MARGIN_MS;
        if (transactionTimeoutMs <= needed) {
            throw new IllegalArgumentException("the Kafka transaction timeout (" + PlatformConfig.STREAM_TRANSACTION_TIMEOUT_MS.describe()
                    + " = " + transactionTimeoutMs + ") must exceed the checkpoint interval (" + intervalMs + ") + checkpoint timeout ("
                    + PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS.describe() + " = " + checkpointTimeoutMs + ") + a "
                    + TRANSACTION_MARGIN_MS + " ms margin = " + needed + " ms: a transaction spans a checkpoint, and one the broker "
                    + "aborts first loses the results of a checkpoint reported complete. Lower the checkpoint timeout, or raise "
                    + "the transaction timeout (at most the broker's transaction.max.timeout.ms, 15 min by default)");
        }
    }

    public static StreamSettings of(PlatformConfig c, boolean untilIdle) {
        CheckpointStorage checkpoints = CheckpointStorage.of(c);
        return new StreamSettings(c.kafkaBootstrap(), c.get(PlatformConfig.TOPIC_INTERACTIONS), c.get(PlatformConfig.TOPIC_USAGE),
                c.get(PlatformConfig.TOPIC_DEAD_LETTER), c.get(PlatformConfig.TOPIC_USAGE_HOURLY), c.get(PlatformConfig.TOPIC_USAGE_DAILY),
                c.get(PlatformConfig.TOPIC_SESSIONS), positive(c, PlatformConfig.STREAM_PARALLELISM),
                positive(c, PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS), c.getLong(PlatformConfig.STREAM_CHECKPOINT_TIMEOUT_MS),
                c.getLong(PlatformConfig.STREAM_TRANSACTION_TIMEOUT_MS), checkpoints,
                c.getBoolean(PlatformConfig.STREAM_ALLOW_NON_RESTORED_STATE),
                c.getInt(PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS) * 1000L,
                c.getInt(PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS) * 1000L,
                c.getInt(PlatformConfig.STREAM_MAX_FUTURE_SECONDS) * 1000L,
                positive(c, PlatformConfig.SESSION_GAP_MINUTES) * 60_000L,
                positive(c, PlatformConfig.STREAM_RECENT_TRACKS), untilIdle, StoreSpec.of(c), c.getInt(PlatformConfig.STREAM_METRICS_PORT));
    }

    /** The checkpoint root as a URI ({@code file:/...}, {@code s3a://bucket/prefix}), without a trailing slash. */
    public String checkpointDir() {
        return checkpointStorage.directory();
    }

    /** The watermark's bound and the lateness rule's: out-of-orderness plus allowed lateness (see {@link EventRouter}). */
    public long latenessBoundMs() {
        return outOfOrdernessMs + allowedLatenessMs;
    }

    public StreamSettings withParallelism(int p) {
        return new StreamSettings(bootstrapServers, interactionsTopic, usageTopic, deadLetterTopic, usageHourlyTopic, usageDailyTopic,
                sessionsTopic, p, checkpointIntervalMs, checkpointTimeoutMs, transactionTimeoutMs, checkpointStorage, allowNonRestoredState, outOfOrdernessMs, allowedLatenessMs, maxFutureMs, sessionGapMs,
                recentTracks, untilIdle, stores, metricsPort);
    }

    private static int positive(PlatformConfig c, PlatformConfig.Key key) {
        int v = c.getInt(key);
        if (v < 1 || (key == PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS && v < 0)) {
            throw new IllegalArgumentException("configuration key " + key.describe() + " = " + v + " must be at least 1");
        }
        return v;
    }
}
