package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** One node of the local cluster's three KRaft Kafka nodes ({@link ClusterBrokerMain}), from the CLI's classpath. */
final class KafkaNodeService extends ClusterJvmService {
    static final int NODES = 3;

    private final int node;
    private final String clusterId;

    KafkaNodeService(StackLayout layout, Consumer<String> progress, String classpath, int node, String clusterId) {
        super(layout, progress, classpath, "kafka-" + node);
        this.node = node;
        this.clusterId = clusterId;
    }

    @Override
    String mainClass() {
        return ClusterBrokerMain.class.getName();
    }

    static int brokerPort(PlatformConfig config, int node) {
        return config.getInt(PlatformConfig.CLUSTER_KAFKA_BASE_PORT) + node - 1;
    }

    static int controllerPort(PlatformConfig config, int node) {
        return config.getInt(PlatformConfig.CLUSTER_KAFKA_BASE_PORT) + NODES + node - 1;
    }

    /** The bootstrap servers of all three nodes. */
    static String bootstrap(PlatformConfig config) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= NODES; n++) {
            sb.append(n > 1 ? "," : "").append("127.0.0.1:").append(brokerPort(config, n));
        }
        return sb.toString();
    }

    static String voters(PlatformConfig config) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= NODES; n++) {
            sb.append(n > 1 ? "," : "").append(n).append("@127.0.0.1:").append(controllerPort(config, n));
        }
        return sb.toString();
    }

    @Override
    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", brokerPort(layout.config(), node), PlatformConfig.CLUSTER_KAFKA_BASE_PORT);
    }

    @Override
    List<Endpoint> endpoints() {
        return List.of(endpoint(), new Endpoint("127.0.0.1", controllerPort(layout.config(), node), PlatformConfig.CLUSTER_KAFKA_BASE_PORT));
    }

    @Override
    void start(Duration timeout) throws Exception {
        List<String> jvm = List.of("-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        List<String> args = List.of(directory().resolve("data").toString(), String.valueOf(node),
                String.valueOf(brokerPort(layout.config(), node)), String.valueOf(controllerPort(layout.config(), node)),
                voters(layout.config()), clusterId);
        launchNode(jvm, args, java.util.Map.of(), timeout);
    }

    /** Answers when this node is a registered broker of the cluster, asked through this node alone. */
    @Override
    boolean answers() {
        Endpoint ep = endpoint();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ep.host(), ep.port()), 500);
        } catch (java.io.IOException e) {
            return false;
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ep.toString());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000);
        Admin admin = Admin.create(p);
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(8_000)).nodes().get(9, TimeUnit.SECONDS)
                    .stream().anyMatch(n -> n.id() == node);
        } catch (Exception e) {
            return false;
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(30);
    }
}
