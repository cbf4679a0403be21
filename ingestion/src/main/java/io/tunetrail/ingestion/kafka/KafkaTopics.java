package io.tunetrail.ingestion.kafka;

import io.tunetrail.model.PlatformConfig;
import java.util.ArrayList;
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
import org.apache.kafka.common.KafkaException;
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
     * Waits until every partition of {@code topics} has a leader. createTopics returns before leadership has reached
     * the brokers; an idempotent producer that writes at once gets NOT_LEADER_OR_FOLLOWER on its first batches and
     * OUT_OF_ORDER_SEQUENCE_NUMBER on the ones behind them, and can stall until its delivery timeout.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (ExecutionException e) {
                // Metadata may not know the topic yet (UnknownTopicOrPartition): not ready.
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topics + " have no leader 30 s after creation");
            }
            Thread.sleep(100);
        }
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
                awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
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
