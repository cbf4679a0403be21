package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local cluster's three Kafka nodes: replicated topics, a node killed under load loses nothing acknowledged, and the
 * last node to stop exits on its own although no quorum is left to approve its broker's controlled shutdown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterIT {
    private static final Set<LocalCluster.Part> KAFKA = EnumSet.of(LocalCluster.Part.KAFKA);
    private static Path home;
    private static PlatformConfig config;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("tt-kafka-cluster");
        config = ClusterTestSupport.config(home);
        cluster = new LocalCluster(config, ClusterTestSupport.repositoryRoot(), System.out::println);
        cluster.stopOnExit(KAFKA);
        assertThat(cluster.start(KAFKA)).containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.stop(KAFKA);
            assertThat(cluster.status(KAFKA)).allMatch(s -> s.state() == ServiceStatus.State.STOPPED);
        }
    }

    @Test
    @Order(1)
    void aNodeKilledWhileProducersAndConsumersRunLosesNothing() throws Exception {
        String topic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            var cfg = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all().get(30, TimeUnit.SECONDS);
            assertThat(cfg.values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
        }
        int total = 6_000;
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        Set<String> seen = new HashSet<>();
        Thread producerThread = new Thread(() -> {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < total; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "event " + i), (md, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                    });
                    if (i % 100 == 0) {
                        Thread.sleep(20);
                    }
                }
                producer.flush();
            } catch (Exception e) {
                sendFailure.compareAndSet(null, e);
            }
        }, "cluster-producer");
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-cluster-it");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            producerThread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            boolean killed = false;
            while (seen.size() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.key());
                }
                if (!killed && acknowledged.get() > total / 3) {
                    // The node that leads the most is as good a victim as any: kill -9, no clean shutdown.
                    ProcessHandle victim = cluster.process("kafka-2").orElseThrow();
                    victim.destroyForcibly();
                    victim.onExit().get(30, TimeUnit.SECONDS);
                    killed = true;
                    System.out.println("killed kafka-2 after " + acknowledged.get() + " acknowledged, " + seen.size() + " consumed");
                }
            }
            producerThread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(killed).as("the node was killed mid-stream").isTrue();
        }
        assertThat(sendFailure.get()).as("every send acknowledged (two in-sync replicas remain)").isNull();
        assertThat(acknowledged.get()).isEqualTo(total);
        assertThat(seen).as("every acknowledged record consumed").hasSize(total);
        assertThat(cluster.status(KAFKA)).filteredOn(s -> s.service().equals("kafka-2"))
                .allMatch(s -> s.state() != ServiceStatus.State.RUNNING);
    }

    /**
     * Stopped one after the other, the second node's broker asks for its controlled shutdown when it is the only
     * controller left (the first test killed kafka-2): it must give up waiting and exit within the stop's grace
     * period, not hang until {@code cluster stop} kills it.
     */
    @Test
    @Order(2)
    void theLastNodeToStopExitsOnItsOwnWithoutAQuorum() throws Exception {
        ProcessHandle first = cluster.process("kafka-1").orElseThrow();
        ProcessHandle last = cluster.process("kafka-3").orElseThrow();
        first.destroy();
        first.onExit().get(60, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        last.destroy();
        try {
            last.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("kafka-3 did not stop within 30 s of SIGTERM with no quorum left", e);
        }
        System.out.printf("kafka-3 stopped %.1f s after SIGTERM, alone%n", (System.nanoTime() - t0) / 1e9);
    }
}
