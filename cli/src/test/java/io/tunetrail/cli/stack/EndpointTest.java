package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointTest {
    @TempDir
    Path home;

    @Test
    void kafkaBrokerIsTheFirstBootstrapServer() {
        PlatformConfig c = PlatformConfig.load(Map.of(), Map.of("kafka.bootstrap.servers", "localhost:31001,localhost:31002"));
        Endpoint ep = Endpoint.kafkaBroker(c);
        assertThat(ep.host()).isEqualTo("localhost");
        assertThat(ep.port()).isEqualTo(31001);
        assertThat(ep.key()).isEqualTo(PlatformConfig.KAFKA_BOOTSTRAP);
    }

    @Test
    void remoteHostsAreRefusedBecauseTheStackOnlyBindsLoopback() {
        PlatformConfig c = PlatformConfig.load(Map.of(), Map.of("postgres.host", "db.example.com"));
        assertThatThrownBy(() -> Endpoint.postgres(c))
                .isInstanceOf(CliError.class)
                .hasMessageContaining("loopback")
                .hasMessageContaining("TUNETRAIL_POSTGRES_HOST");
    }

    @Test
    void bootstrapWithoutPortIsAUsageError() {
        PlatformConfig c = PlatformConfig.load(Map.of(), Map.of("kafka.bootstrap.servers", "127.0.0.1"));
        assertThatThrownBy(() -> Endpoint.kafkaBroker(c)).isInstanceOf(CliError.class)
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.USAGE));
    }

    @Test
    void aBoundPortIsNotFreeAndTheErrorNamesPortAndVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            Endpoint ep = Endpoint.redis(PlatformConfig.load(Map.of(), Map.of("redis.port", String.valueOf(port))));
            assertThat(ep.isFree()).isFalse();
            CliError e = ep.takenError("redis");
            assertThat(e.exitCode()).isEqualTo(CliError.ENVIRONMENT);
            assertThat(e.getMessage()).contains(String.valueOf(port), "TUNETRAIL_REDIS_PORT", "redis.port");
        }
    }

    @Test
    void anUnboundPortIsFree() throws Exception {
        int port = StackTestSupport.freePort();
        assertThat(new Endpoint("127.0.0.1", port, PlatformConfig.REDIS_PORT).isFree()).isTrue();
    }
}
