package io.tunetrail.batch.land;

import io.tunetrail.model.PlatformConfig;
import java.util.Objects;

/**
 * Everything the lander reads and writes: the Kafka cluster, the three raw topics, the streaming jobs' three result
 * topics and the offline store root.
 *
 * @param storeRoot offline store root as Spark sees it: a local path or a URI ({@code s3a://bucket/lake})
 * @param maxRecordsPerBatch upper bound of Kafka records per micro-batch, so a long backlog is landed in pieces that
 *     fit in memory rather than in one batch
 */
public record LanderSettings(
        String bootstrapServers,
        String interactionsTopic,
        String usageTopic,
        String deadLetterTopic,
        String storeRoot,
        long maxRecordsPerBatch,
        String usageHourlyTopic,
        String usageDailyTopic,
        String sessionsTopic) {

    /** Big enough that the demo data set (~354k interactions) lands in one micro-batch. */
    public static final long DEFAULT_MAX_RECORDS_PER_BATCH = 1_000_000;

    public LanderSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(interactionsTopic, "interactionsTopic");
        Objects.requireNonNull(usageTopic, "usageTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(usageHourlyTopic, "usageHourlyTopic");
        Objects.requireNonNull(usageDailyTopic, "usageDailyTopic");
        Objects.requireNonNull(sessionsTopic, "sessionsTopic");
        if (maxRecordsPerBatch < 1) {
            throw new IllegalArgumentException("maxRecordsPerBatch must be at least 1, was " + maxRecordsPerBatch);
        }
    }

    /** The platform's topics and offline store, from its configuration. */
    public static LanderSettings from(PlatformConfig config) {
        return new LanderSettings(config.kafkaBootstrap(),
                config.get(PlatformConfig.TOPIC_INTERACTIONS),
                config.get(PlatformConfig.TOPIC_USAGE),
                config.get(PlatformConfig.TOPIC_DEAD_LETTER),
                config.offlineStoreUri(),
                DEFAULT_MAX_RECORDS_PER_BATCH,
                config.get(PlatformConfig.TOPIC_USAGE_HOURLY),
                config.get(PlatformConfig.TOPIC_USAGE_DAILY),
                config.get(PlatformConfig.TOPIC_SESSIONS));
    }

    /** The same settings landing into another store root (tests, measurements). */
    public LanderSettings withStoreRoot(String root) {
        return new LanderSettings(bootstrapServers, interactionsTopic, usageTopic, deadLetterTopic, root,
                maxRecordsPerBatch, usageHourlyTopic, usageDailyTopic, sessionsTopic);
    }

    /** Where a table's stream keeps its Kafka offsets: {@code <root>/_checkpoints/<table>}. */
    public String checkpointLocation(String table) {
        return (storeRoot.endsWith("/") ? storeRoot : storeRoot + "/") + "_checkpoints/" + table;
    }
}
