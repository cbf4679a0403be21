package io.tunetrail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tunetrail.model.PlatformConfig;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConnectTest {

    @Test
    void aServerThatIsNotThereIsReportedInOneLineWithTheUrlAndTheFix() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        PlatformConfig config = PlatformConfig.load(Map.of(),
                Map.of(PlatformConfig.POSTGRES_HOST.name(), "127.0.0.1", PlatformConfig.POSTGRES_PORT.name(), String.valueOf(closedPort)));

        StoreException e = catchThrowableOfType(StoreException.class, () -> Database.connect(config));

        assertThat(e).as("a StoreException, not Hikari's PoolInitializationException").isNotNull();
        assertThat(e.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(e.server()).isEqualTo("PostgreSQL");
        assertThat(e.getMessage())
                .contains("jdbc:postgresql://127.0.0.1:" + closedPort)
                .contains("./tunetrail stack start")
                .doesNotContain("\n");
    }
}
