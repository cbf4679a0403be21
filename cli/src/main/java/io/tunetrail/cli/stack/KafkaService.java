package io.tunetrail.cli.stack;

import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** The stack's Kafka: {@link KafkaBrokerMain} in a detached JVM of its own, logging to {@code <home>/logs/kafka.log}. */
final class KafkaService extends JvmService {
    KafkaService(StackLayout layout, Consumer<String> progress, String classpath) {
        super(layout, progress, classpath);
    }

    @Override
    String name() {
        return "kafka";
    }

    @Override
    String mainClass() {
        return KafkaBrokerMain.class.getName();
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.kafkaBroker(layout.config());
    }

    @Override
    List<Endpoint> endpoints() {
        return List.of(endpoint(), Endpoint.kafkaController(layout.config()));
    }

    Path dataDir() {
        return layout.kafka().resolve("data");
    }

    @Override
    Path pidFile() {
        return layout.kafka().resolve("kafka.pid");
    }

    @Override
    boolean isOurs(ProcessHandle p) {
        String cmd = commandLine(p);
        return cmd.contains(mainClass()) && cmd.contains(dataDir().toString());
    }

    @Override
    void checkInstalled() {
        requireOnClasspath("kafka.server.KafkaRaftServer", "the Kafka broker (kafka_2.13)");
    }

    @Override
    void start(Duration timeout) throws Exception {
        Files.createDirectories(dataDir());
        Endpoint ep = endpoint();
        List<String> jvm = List.of("-Xms128m", "-Xmx512m",
                // C1 only: the broker's start costs ~2 s of CPU instead of ~3.7 s, which on 2 busy cores is the
                // difference between a 3 s and a 7 s start; a local broker's hot paths (I/O, CRC) barely need C2.
                "-XX:TieredStopAtLevel=1",
                // The CLI's simplelogger.properties says WARN for people; the broker's log file wants INFO.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        List<String> args = List.of(dataDir().toString(), ep.host(), String.valueOf(ep.port()),
                String.valueOf(Endpoint.kafkaController(layout.config()).port()),
                layout.config().get(PlatformConfig.KAFKA_PARTITIONS));
        launch(layout.kafka(), jvm, args, Map.of(), timeout, () -> {
            List<String> created = KafkaTopics.ensure(layout.config());
            return created.isEmpty() ? "" : ", created topics " + String.join(", ", created);
        });
    }

    @Override
    boolean answers() {
        Endpoint ep = endpoint();
        try (Socket s = new Socket()) {
            // A plain connect first: cheap, and spares building an admin client while the JVM is still booting.
            s.connect(new InetSocketAddress(ep.host(), ep.port()), 500);
        } catch (IOException e) {
            return false;
        }
        Properties p = KafkaTopics.adminProperties(layout.config());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        Admin admin = Admin.create(p);
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes().get(4, TimeUnit.SECONDS).isEmpty();
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
