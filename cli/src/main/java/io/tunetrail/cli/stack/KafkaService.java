package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The stack's Kafka: {@link KafkaBrokerMain} in a JVM of its own, started from the CLI's own classpath, detached
 * ({@code setsid}) so neither the CLI's exit nor a closed terminal stops it. Its output goes to
 * {@code <home>/logs/kafka.log}.
 */
final class KafkaService extends ManagedService {
    private final String classpath;

    KafkaService(StackLayout layout, Consumer<String> progress, String classpath) {
        super(layout, progress);
        this.classpath = classpath;
    }

    @Override
    String name() {
        return "kafka";
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
        return cmd.contains(KafkaBrokerMain.class.getName()) && cmd.contains(dataDir().toString());
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    @Override
    void checkInstalled() {
        if (!Files.isExecutable(java())) {
            throw CliError.environment("cannot start kafka", java() + " is missing", "Reinstall the JDK or set JAVA_HOME");
        }
        try {
            Class.forName("kafka.server.KafkaRaftServer", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw CliError.environment("cannot start kafka", "the Kafka broker (kafka_2.13) is not on the CLI's classpath",
                    "Rebuild the CLI: ./mvnw -DskipTests install -pl cli -am");
        }
    }

    @Override
    void start(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(dataDir());
        Files.createDirectories(layout.logs());
        Files.writeString(logFile(), "=== tunetrail stack start " + Instant.now() + " ===\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Endpoint ep = endpoint();
        List<String> cmd = new ArrayList<>();
        Path setsid = Exec.which("setsid");
        if (setsid != null) {
            cmd.add(setsid.toString());
        }
        cmd.addAll(List.of(java().toString(), "-Xms128m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                // C1 only: the broker's start costs ~2 s of CPU instead of ~3.7 s, which on 2 busy cores is the
                // difference between a 3 s and a 7 s start; a local broker's hot paths (I/O, CRC) barely need C2.
                "-XX:TieredStopAtLevel=1",
                // The CLI's simplelogger.properties says WARN for people; the broker's log file wants INFO.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
                "-cp", classpath, KafkaBrokerMain.class.getName(), dataDir().toString(), ep.host(), String.valueOf(ep.port()),
                String.valueOf(Endpoint.kafkaController(layout.config()).port()),
                layout.config().get(PlatformConfig.KAFKA_PARTITIONS)));
        Process process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .directory(layout.kafka().toFile())
                .start();
        // setsid execs in place when its caller is no group leader (always, from a JVM), so this is the broker's pid.
        Files.writeString(pidFile(), process.pid() + "\n");
        try {
            awaitAnswering(Optional.of(process.toHandle()), timeout);
            List<String> created = KafkaTopics.ensure(layout.config());
            progress.accept(String.format("  kafka     up on %s (pid %d) in %.1f s%s", ep, process.pid(), (System.nanoTime() - t0) / 1e9,
                    created.isEmpty() ? "" : ", created topics " + String.join(", ", created)));
        } catch (Exception | Error e) {
            // A broker that did not come up (or has no topics) is stopped, so the next start begins afresh.
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            cleanUpAfterStop();
            throw e;
        }
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
    void requestStop(ProcessHandle server) {
        // SIGTERM runs the broker's shutdown hook: a clean shutdown, so the next start needs no log recovery.
        server.destroy();
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(30);
    }
}
