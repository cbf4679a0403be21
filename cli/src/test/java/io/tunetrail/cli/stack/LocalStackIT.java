package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.FileTrees;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real stack: Kafka, PostgreSQL and Redis processes, in a home directory and on free ports of this test's own,
 * so a stack already running on the default ports (the one {@code ./tunetrail test} starts) is never touched.
 * One full start, to keep the run short.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {
    private static Path home;
    private static PlatformConfig config;
    private static LocalStack stack;
    private static final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void ownHomeAndPorts() throws Exception {
        // Traversable by the postgres OS user, which runs the cluster when the tests run as root.
        home = Files.createTempDirectory("tunetrail-stack-it-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        config = StackTestSupport.config(home);
        stack = new LocalStack(config, line -> {
            output.add(line);
            System.out.println("[stack] " + line);
        });
    }

    @AfterAll
    static void stopAndClean() throws Exception {
        if (stack != null) {
            stack.stop();
            assertThat(processesOf(home)).isEmpty();
            FileTrees.deleteRecursively(home);
        }
    }

    @Test
    @Order(1)
    void aTakenPortFailsTheStartBeforeAnythingRuns() throws Exception {
        int port = config.getInt(PlatformConfig.REDIS_PORT);
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertThatThrownBy(stack::start)
                    .isInstanceOf(CliError.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("TUNETRAIL_REDIS_PORT")
                    .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.ENVIRONMENT));
        }
        // Ports are checked before any launch: Kafka and PostgreSQL must not have been started either.
        assertThat(processesOf(home)).isEmpty();
        assertThat(stack.status()).extracting(ServiceStatus::state).containsOnly(ServiceStatus.State.STOPPED);
    }

    @Test
    @Order(2)
    void startIsIdempotentServesRealRequestsAndStopLeavesNothing() throws Exception {
        long t0 = System.nanoTime();
        assertThat(stack.start()).containsExactlyInAnyOrder("kafka", "postgres", "redis");
        System.out.printf("[stack] start took %.1f s%n", (System.nanoTime() - t0) / 1e9);

        List<ServiceStatus> up = stack.status();
        assertThat(up).extracting(ServiceStatus::state).containsOnly(ServiceStatus.State.RUNNING);
        assertThat(up).allSatisfy(s -> assertThat(s.pid()).isPresent());

        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            assertThat(admin.listTopics().names().get(15, TimeUnit.SECONDS)).containsAll(KafkaTopics.names(config));
        }
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.get(PlatformConfig.POSTGRES_USER),
                config.get(PlatformConfig.POSTGRES_PASSWORD));
                ResultSet rs = c.createStatement().executeQuery(
                        "select current_user, (select extversion from pg_extension where extname = 'vector'), '[1,2]'::vector <-> '[1,3]'::vector")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("tunetrail");
            assertThat(rs.getString(2)).startsWith("0.8");
            assertThat(rs.getDouble(3)).isEqualTo(1.0);
        }
        try (Jedis jedis = new Jedis("127.0.0.1", config.getInt(PlatformConfig.REDIS_PORT))) {
            jedis.set("it:key", "value");
            assertThat(jedis.get("it:key")).isEqualTo("value");
        }

        List<ProcessHandle> before = new ArrayList<>();
        for (ServiceStatus s : up) {
            ProcessHandle h = ProcessHandle.of(s.pid().getAsLong()).orElseThrow();
            before.add(h);
            h.descendants().forEach(before::add);
        }
        assertThat(processesOf(home)).hasSize(3);

        assertThat(stack.start()).as("second start is a no-op").isEmpty();
        assertThat(stack.status()).extracting(s -> s.pid().getAsLong())
                .containsExactlyElementsOf(up.stream().map(s -> s.pid().getAsLong()).toList());

        long t2 = System.nanoTime();
        assertThat(stack.stop()).isTrue();
        System.out.printf("[stack] stop took %.1f s%n", (System.nanoTime() - t2) / 1e9);
        assertThat(before).noneMatch(ProcessHandle::isAlive);
        assertThat(processesOf(home)).isEmpty();
        assertThat(stack.status()).extracting(ServiceStatus::state).containsOnly(ServiceStatus.State.STOPPED);

        assertThat(stack.stop()).as("second stop is a no-op").isFalse();
        assertThat(output).anyMatch(l -> l.contains("nothing to start")).anyMatch(l -> l.contains("nothing to stop"));
    }

    /** Every process whose command line names a path inside {@code dir}. */
    private static List<ProcessHandle> processesOf(Path dir) {
        String marker = dir.toString() + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> ManagedService.commandLine(p).contains(marker))
                .toList();
    }
}
