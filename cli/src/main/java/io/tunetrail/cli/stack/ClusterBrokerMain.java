package io.tunetrail.cli.stack;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import kafka.server.BrokerServer;
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
    /**
     * How long a stopping broker waits for the controllers to approve its controlled shutdown (Kafka's own wait is 5
     * minutes). {@code cluster stop} stops the three nodes together; a broker that asks after the other two
     * controllers have left has no quorum to approve it, and would wait until the stop's grace period killed it.
     */
    static final Duration CONTROLLED_SHUTDOWN_WAIT = Duration.ofSeconds(10);

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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server), "kafka-shutdown"));
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

    /**
     * Stops the broker with a bounded controlled shutdown, then the rest (the broker is then stopped already, so the
     * server's own shutdown goes on to the controller). Without the bound the last node of a stopping cluster waits
     * for an approval that no quorum can give; with it, it gives up, still closes its logs cleanly, and exits.
     */
    static void shutdown(KafkaRaftServer server) {
        brokerOf(server).ifPresent(broker -> broker.shutdown(CONTROLLED_SHUTDOWN_WAIT));
        server.shutdown();
    }

    /** The server's broker: Kafka keeps it private and offers no bounded shutdown of the whole server. */
    private static Optional<BrokerServer> brokerOf(KafkaRaftServer server) {
        try {
            Field field = KafkaRaftServer.class.getDeclaredField("broker");
            field.setAccessible(true);
            scala.Option<?> broker = (scala.Option<?>) field.get(server);
            return broker.isDefined() ? Optional.of((BrokerServer) broker.get()) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another Kafka release: its own, unbounded shutdown.
            System.err.println("TuneTrail cluster Kafka node: no bounded broker shutdown (" + e + ")");
            return Optional.empty();
        }
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
