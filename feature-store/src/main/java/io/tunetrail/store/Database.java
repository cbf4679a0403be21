package io.tunetrail.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlatformConfig;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The platform's PostgreSQL database: how to connect, and its schema, kept by Flyway migrations under
 * {@code feature-store/src/main/resources/db/migration}.
 */
public final class Database {
    private Database() {}

    /** A pooled connection to the configured database. Close it when done. */
    public static HikariDataSource connect(PlatformConfig config) {
        return connect(config, 8);
    }

    public static HikariDataSource connect(PlatformConfig config, int maxPoolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setUsername(config.get(PlatformConfig.POSTGRES_USER));
        hc.setPassword(config.get(PlatformConfig.POSTGRES_PASSWORD));
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setPoolName("tunetrail-pg");
        // Fail fast with the URL in the message instead of hanging when the stack is down.
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        return new HikariDataSource(hc);
    }

    /**
     * Brings the schema up to date and returns how many migrations were applied (0 when already current).
     * {@code embedding_dimension} is a Flyway placeholder so the pgvector column follows the configuration.
     */
    public static int migrate(DataSource dataSource, PlatformConfig config) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("embedding_dimension", String.valueOf(config.getInt(PlatformConfig.EMBEDDING_DIMENSION))))
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
