package io.tunetrail.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.analyst.AnalystAccounts;
import io.tunetrail.store.analyst.QueryAuditLog;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** The SQL endpoint's process ({@code ./tunetrail sql serve} starts it detached): runs until SIGTERM. */
public final class SqlEndpointMain {
    private SqlEndpointMain() {}

    public static void main(String[] args) throws Exception {
        PlatformConfig config = PlatformConfig.load();
        HikariDataSource db = Database.connect(config, 4);
        SqlEndpointServer server = SqlEndpointServer.start(config, new AnalystAccounts(db, Clock.systemUTC()), new QueryAuditLog(db));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            db.close();
            stopped.countDown();
        }, "sql-endpoint-shutdown"));
        System.out.println("SQL endpoint ready on " + server.jdbcUrl());
        stopped.await();
    }
}
