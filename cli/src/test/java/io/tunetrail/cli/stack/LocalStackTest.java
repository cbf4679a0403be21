package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.PlatformConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the stack reports and does when nothing of it runs: no servers needed. */
class LocalStackTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshHomeReportsEveryServiceStopped() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp.resolve("home"));
        List<ServiceStatus> status = new LocalStack(config, line -> {}).status();
        assertThat(status).extracting(ServiceStatus::service).containsExactly("kafka", "postgres", "redis");
        assertThat(status).extracting(ServiceStatus::state).containsOnly(ServiceStatus.State.STOPPED);
        assertThat(status).allSatisfy(s -> assertThat(s.pid()).isEmpty());
        assertThat(status.get(2).address()).isEqualTo("127.0.0.1:" + config.getInt(PlatformConfig.REDIS_PORT));
    }

    @Test
    void stopWithNothingRunningSaysSoAndCreatesNothing() throws Exception {
        Path home = tmp.resolve("home");
        List<String> out = new ArrayList<>();
        boolean stopped = new LocalStack(StackTestSupport.config(home), out::add).stop();
        assertThat(stopped).isFalse();
        assertThat(out).singleElement().asString().contains("not running");
        assertThat(home).doesNotExist();
    }

    @Test
    void aPortHeldByAnotherProcessShowsAsTaken() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp.resolve("home"));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), config.getInt(PlatformConfig.POSTGRES_PORT)));
            List<ServiceStatus> status = new LocalStack(config, line -> {}).status();
            assertThat(status.get(1).state()).isEqualTo(ServiceStatus.State.PORT_TAKEN);
            assertThat(status.get(0).state()).isEqualTo(ServiceStatus.State.STOPPED);
        }
    }

    @Test
    void statusCommandPrintsATableAndFailsWhenNotAllAreUp() throws Exception {
        PlatformConfig config = StackTestSupport.config(tmp.resolve("home"));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new StackCommand(() -> config));
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("status");
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("SERVICE", "kafka", "postgres", "redis", "stopped");
        assertThat(Files.exists(tmp.resolve("home").resolve("stack.lock"))).isFalse();
    }
}
