package io.tunetrail.streaming.common;

import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.StoreSpec;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Everything a streaming job needs to know, captured once from {@link PlatformConfig} and the command line: a
 * serialisable value the job's operators carry to the workers.
 *
 * @param untilIdle stop once the sources have read what the topics held when the job started
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
        String checkpointDir,
        long outOfOrdernessMs,
        long allowedLatenessMs,
        long maxFutureMs,
        long sessionGapMs,
        int recentTracks,
        boolean untilIdle,
        StoreSpec stores) implements Serializable {

    public static StreamSettings of(PlatformConfig c, boolean untilIdle) {
        String dir = c.get(PlatformConfig.STREAM_CHECKPOINT_DIR);
        if (dir.isBlank()) {
            dir = c.home().resolve("flink").resolve("checkpoints").toUri().toString();
        } else if (!dir.contains(":")) {
            dir = Path.of(dir).toAbsolutePath().toUri().toString();
        }
        return new StreamSettings(c.kafkaBootstrap(), c.get(PlatformConfig.TOPIC_INTERACTIONS), c.get(PlatformConfig.TOPIC_USAGE),
                c.get(PlatformConfig.TOPIC_DEAD_LETTER), c.get(PlatformConfig.TOPIC_USAGE_HOURLY), c.get(PlatformConfig.TOPIC_USAGE_DAILY),
                c.get(PlatformConfig.TOPIC_SESSIONS), positive(c, PlatformConfig.STREAM_PARALLELISM),
                positive(c, PlatformConfig.STREAM_CHECKPOINT_INTERVAL_MS), dir,
                c.getInt(PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS) * 1000L,
                c.getInt(PlatformConfig.STREAM_ALLOWED_LATENESS_SECONDS) * 1000L,
                c.getInt(PlatformConfig.STREAM_MAX_FUTURE_SECONDS) * 1000L,
                positive(c, PlatformConfig.SESSION_GAP_MINUTES) * 60_000L,
                positive(c, PlatformConfig.STREAM_RECENT_TRACKS), untilIdle, StoreSpec.of(c));
    }

    /** The watermark's bound and the lateness rule's: out-of-orderness plus allowed lateness (see {@link EventRouter}). */
    public long latenessBoundMs() {
        return outOfOrdernessMs + allowedLatenessMs;
    }

    public StreamSettings withParallelism(int p) {
        return new StreamSettings(bootstrapServers, interactionsTopic, usageTopic, deadLetterTopic, usageHourlyTopic, usageDailyTopic,
                sessionsTopic, p, checkpointIntervalMs, checkpointDir, outOfOrdernessMs, allowedLatenessMs, maxFutureMs, sessionGapMs,
                recentTracks, untilIdle, stores);
    }

    private static int positive(PlatformConfig c, PlatformConfig.Key key) {
        int v = c.getInt(key);
        if (v < 1 || (key == PlatformConfig.STREAM_OUT_OF_ORDERNESS_SECONDS && v < 0)) {
            throw new IllegalArgumentException("configuration key " + key.describe() + " = " + v + " must be at least 1");
        }
        return v;
    }
}
