package io.tunetrail.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.store.StoreException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** A database nobody listens for (a free loopback port): one request waits out the timeout, the next ones do not. */
class FailFastDataSourceTest {
    @Test
    void afterAFailedConnectRequestsAreRefusedAtOnceForASecond() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            deadPort = s.getLocalPort();
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + deadPort + "/none");
        hc.setConnectionTimeout(1_000);
        hc.setValidationTimeout(250);
        hc.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            FailFastDataSource ds = new FailFastDataSource(pool);
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTransientConnectionException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("the first waits out the pool's timeout").isGreaterThanOrEqualTo(900);

            long t1 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .satisfies(e -> assertThat(StoreException.rejectedByDatabase("reading", (SQLException) e).kind())
                            .isEqualTo(StoreException.Kind.UNAVAILABLE));
            assertThat((System.nanoTime() - t1) / 1_000_000).as("the next is refused at once, not after the timeout").isLessThan(500);

            Thread.sleep(1_100);
            long t2 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTransientConnectionException.class);
            assertThat((System.nanoTime() - t2) / 1_000_000).as("a second later it tries again").isGreaterThanOrEqualTo(900);
            assertThat(ds.unwrap(HikariDataSource.class)).isSameAs(pool);
        }
    }
}
