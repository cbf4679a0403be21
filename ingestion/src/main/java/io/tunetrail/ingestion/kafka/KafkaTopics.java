package io.tunetrail.ingestion.kafka;

import io.tunetrail.model.PlatformConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/** The platform's topics (interactions, usage, dead-letter) and creating them where they are missing. */
public final class KafkaTopics {
    private KafkaTopics() {}

    /** The topic names from the configuration, in the order they are created. */
    public static List<String> names(PlatformConfig config) {
        return List.of(config.get(PlatformConfig.TOPIC_INTERACTIONS), config.get(PlatformConfig.TOPIC_USAGE),
                config.get(PlatformConfig.TOPIC_DEAD_LETTER));
    }

    /**
     * The result topics of the streaming jobs (usage per hour and day, sessions), which the lander lands in Delta.
     * Kept apart from {@link #names}: tests that delete their fresh event topics must not touch these.
     */
    public static List<String> resultNames(PlatformConfig config) {
        return List.of(config.get(PlatformConfig.TOPIC_USAGE_HOURLY), config.get(PlatformConfig.TOPIC_USAGE_DAILY),
                config.get(PlatformConfig.TOPIC_SESSIONS));
    }

    /** Admin client properties for the configured cluster, with timeouts short enough to fail clearly. */
    public static Properties adminProperties(PlatformConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return p;
    }

    /**
     * Creates the platform's topics that do not exist yet and returns the names it created. Existing topics are left
     * as they are (an operator may have tuned them).
     */
    public static List<String> ensure(PlatformConfig config) {
        return ensure(config, names(config));
    }

    /**
     * Waits until the leader of every partition of {@code topics} serves it. createTopics returns before the broker
     * has opened the new partitions, and a leader in the metadata is not enough either: the broker publishes its
     * metadata cache before its replica manager opens the log. An idempotent producer that writes in that window gets
     * NOT_LEADER_OR_FOLLOWER on its first batch while a later in-flight batch is appended; the first one then fails
     * with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout and is lost (KAFKA-15591, seen here in CI). A
     * ListOffsets request is answered by the leader's replica manager, so its success means the partition is open.
     */
    private static void awaitServing(Admin admin, List<String> topics) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition / NotLeaderOrFollower / LeaderNotAvailable until the partitions are open.
                last = e;
            }
            Thread.sleep(100);
        }
        throw new TimeoutException("partitions of " + topics + " are not served 30 s after creation"
                + (last == null ? "" : ": " + last.getCause().getMessage()));
    }

    /** Creates those of {@code topics} that do not exist yet (as {@link #ensure(PlatformConfig)} does) and returns them. */
    public static List<String> ensure(PlatformConfig config, List<String> topics) {
        int partitions = config.getInt(PlatformConfig.KAFKA_PARTITIONS);
        try (Admin admin = Admin.create(adminProperties(config))) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : topics) {
                if (!existing.contains(name)) {
                    // One broker locally; a cluster's operators set replication through their own tooling.
                    NewTopic topic = new NewTopic(name, partitions, (short) 1);
                    if (name.equals(config.get(PlatformConfig.TOPIC_DEAD_LETTER))) {
                        // Dead letters are evidence: keep them until someone has looked (30 days).
                        topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(30L * 24 * 3600 * 1000)));
                    }
                    missing.add(topic);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                awaitServing(admin, missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot create topics on Kafka at " + config.kafkaBootstrap() + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }
}
