package io.tunetrail.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The local stack's Kafka broker: a single KRaft node (broker and controller in one process) on loopback, run in
 * a JVM of its own by {@link LocalStack} so it outlives the command that started it.
 *
 * <p>Usage: {@code KafkaBrokerMain <data dir> <advertised host> <broker port> <controller port> <partitions>}. The
 * storage is formatted on first start only; SIGTERM shuts the broker down cleanly.
 */
public final class KafkaBrokerMain {
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private KafkaBrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: KafkaBrokerMain <data dir> <advertised host> <broker port> <controller port> <partitions>");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        Properties props = brokerProperties(data, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]));
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(data.resolve("meta.properties"))) {
            format(config, data);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-shutdown"));
        try {
            server.startup();
        } catch (Throwable t) {
            System.err.println("TuneTrail Kafka broker failed to start: " + t);
            t.printStackTrace();
            // halt, not exit: the shutdown hook would wait on a server that never came up.
            Runtime.getRuntime().halt(1);
        }
        System.out.println("TuneTrail Kafka broker started on " + args[1] + ":" + args[2]);
        server.awaitShutdown();
    }

    /** The settings of a one-node cluster: every replication factor and ISR is 1, no rebalance delay. */
    static Properties brokerProperties(Path data, String host, int brokerPort, int controllerPort, int partitions) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", data.toString());
        p.put("num.partitions", String.valueOf(partitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        // 50 partitions each (the defaults) cost seconds on the first consumer group or transaction on 2 cores.
        p.put("offsets.topic.num.partitions", "8");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (KafkaTopics.ensure); a typo in a topic name must fail, not make a new topic.
        p.put("auto.create.topics.enable", "false");
        // A week of history is plenty locally, and caps disk use of repeated demo runs.
        p.put("log.retention.hours", "168");
        p.put("log.retention.bytes", String.valueOf(1L << 30));
        return p;
    }

    private static void format(KafkaConfig config, Path data) throws Exception {
        format(config, data, Uuid.randomUuid().toString());
    }

    /** Formats {@code data} for node {@code config.nodeId()} of the cluster {@code clusterId} (all nodes share it). */
    static void format(KafkaConfig config, Path data, String clusterId) throws Exception {
        Files.createDirectories(data);
        Formatter formatter = new Formatter()
                .setPrintStream(System.out)
                .setNodeId(config.nodeId())
                .setClusterId(clusterId)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(data.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setDirectories(List.of(data.toString()));
        formatter.run();
    }
}
