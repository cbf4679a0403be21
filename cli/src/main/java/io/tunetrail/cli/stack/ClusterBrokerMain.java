package io.tunetrail.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One node of the local cluster's three-node KRaft Kafka cluster (broker and controller in one process), run in a JVM
 * of its own by {@link LocalCluster}. Unlike the stack's single broker, every internal topic is replicated three times
 * and a write needs two in-sync replicas, so one node may die without losing an acknowledged record.
 *
 * <p>Usage: {@code ClusterBrokerMain <data dir> <node id> <broker port> <controller port> <quorum voters> <cluster id>}.
 */
public final class ClusterBrokerMain {
    static final int REPLICATION = 3;
    static final int MIN_IN_SYNC = 2;

    private ClusterBrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ClusterBrokerMain <data dir> <node id> <broker port> <controller port> <quorum voters> <cluster id>");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        Properties props = nodeProperties(data, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4]);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(data.resolve("meta.properties"))) {
            KafkaBrokerMain.format(config, data, args[5]);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-shutdown"));
        try {
            server.startup();
        } catch (Throwable t) {
            System.err.println("TuneTrail cluster Kafka node " + args[1] + " failed to start: " + t);
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
        }
        System.out.println("TuneTrail cluster Kafka node " + args[1] + " started on 127.0.0.1:" + args[2]);
        server.awaitShutdown();
    }

    /** The stack broker's settings, made a member of a three-voter quorum with replicated internal topics. */
    static Properties nodeProperties(Path data, int nodeId, int brokerPort, int controllerPort, String voters) {
        Properties p = KafkaBrokerMain.brokerProperties(data, "127.0.0.1", brokerPort, controllerPort, 1);
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("default.replication.factor", String.valueOf(REPLICATION));
        p.put("min.insync.replicas", String.valueOf(MIN_IN_SYNC));
        p.put("offsets.topic.replication.factor", String.valueOf(REPLICATION));
        p.put("transaction.state.log.replication.factor", String.valueOf(REPLICATION));
        p.put("transaction.state.log.min.isr", String.valueOf(MIN_IN_SYNC));
        p.put("num.partitions", "3");
        // A dead node's partitions move to the others quickly; a clean shutdown hands leadership over first.
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1000");
        return p;
    }
}
