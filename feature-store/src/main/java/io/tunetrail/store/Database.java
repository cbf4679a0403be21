package io.tunetrail.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.tunetrail.model.PlatformConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The platform's PostgreSQL database: how to connect, and its schema, kept by Flyway migrations under
 * {@code feature-store/src/main/resources/db/migration}.
 *
 * <p>The schema's conventions (org_id first in every key and index of an org-scoped table, composite foreign keys,
 * comments on every table) are described at the top of {@code V1__tenancy.sql} and checked by
 * {@code DatabaseSchemaIT}.
 */
public final class Database {
    private Database() {}

    /** Work on one connection, inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code connection}: commits when it returns, rolls back when it throws,
     * and leaves the connection's auto-commit as it found it (connections go back to a pool).
     */
    public static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** A pooled connection to the configured database. Close it when done. */
    public static HikariDataSource connect(PlatformConfig config) {
        return connect(config, 8);
    }

    /**
     * A pooled connection with at most {@code maxPoolSize} connections; a Flink operator or Spark partition needs 1–2,
     * the API one per concurrent request it serves from PostgreSQL.
     */
    public static HikariDataSource connect(PlatformConfig config, int maxPoolSize) {
        return connect(config, maxPoolSize, 0);
    }

    /**
     * As {@link #connect(PlatformConfig, int)}, with PostgreSQL's {@code statement_timeout} set on every connection
     * (0: none): a statement running longer is cancelled with SQLState 57014.
     */
    public static HikariDataSource connect(PlatformConfig config, int maxPoolSize, long statementTimeoutMillis) {
        return connect(config, maxPoolSize, statementTimeoutMillis, 10_000);
    }

    /**
     * As {@link #connect(PlatformConfig, int, long)}, whose callers wait at most {@code connectionTimeoutMs} for a
     * connection: a request thread of the API must fail fast while PostgreSQL is down rather than hold the request for 10 s.
     */
    public static HikariDataSource connect(PlatformConfig config, int maxPoolSize, long statementTimeoutMillis, long connectionTimeoutMs) {
        HikariConfig hc = new HikariConfig();
        if (statementTimeoutMillis > 0) {
            hc.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeoutMillis);
        }
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setUsername(config.get(PlatformConfig.POSTGRES_USER));
        hc.setPassword(config.get(PlatformConfig.POSTGRES_PASSWORD));
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setPoolName("tunetrail-pg");
        // Fail fast with the URL in the message instead of hanging when the stack is down.
        hc.setConnectionTimeout(connectionTimeoutMs);
        // Hikari requires validation to finish within the connection timeout (250 ms is its floor).
        hc.setValidationTimeout(Math.max(250, Math.min(5_000, connectionTimeoutMs - 1)));
        hc.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            // Hikari's own message is "Failed to initialize pool" around the driver's reason, with a stack trace a CLI
            // user has no use for: say which server and what to do, in one line.
            throw StoreException.unavailable("PostgreSQL", config.jdbcUrl(), e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * Brings the schema up to date and returns how many migrations were applied (0 when already current).
     * {@code embedding_dimension} is a Flyway placeholder so the pgvector column follows the configuration when it is
     * created; afterwards a configured dimension that differs from the column's is refused with a
     * {@link StoreException} that says how to resolve it.
     */
    public static int migrate(DataSource dataSource, PlatformConfig config) {
        return migrate(dataSource, config, "classpath:db/migration");
    }

    /** {@link #migrate(DataSource, PlatformConfig)} from other Flyway locations (tests of the migration rules). */
    static int migrate(DataSource dataSource, PlatformConfig config, String location) {
        int configured = config.getInt(PlatformConfig.EMBEDDING_DIMENSION);
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(location)
                .placeholders(Map.of("embedding_dimension", String.valueOf(configured)));
        // Each part of the platform numbers its migrations in a range of its own (V1-9 shared schema, V10-19
        // streaming, V20-29 batch, V30-39 analytics, V40-49 API), so a release can bring V7 to a database that already
        // has V41. Flyway ignores such a migration unless told to apply it out of order; it is told only then, because
        // it warns on every run in that mode.
        boolean behind = Arrays.stream(flyway.load().info().all()).anyMatch(m -> m.getState() == MigrationState.IGNORED);
        MigrateResult result = flyway.outOfOrder(behind).load().migrate();
        OptionalInt inDatabase = embeddingDimension(dataSource);
        if (inDatabase.isPresent() && inDatabase.getAsInt() != configured) {
            throw StoreException.dimensionMismatch(inDatabase.getAsInt(), configured);
        }
        return result.migrationsExecuted;
    }

    /** The dimension of {@code track_embeddings.embedding}, or empty before the migration that creates it. */
    public static OptionalInt embeddingDimension(DataSource dataSource) {
        // pgvector stores the dimension as the column's type modifier.
        String sql = "SELECT a.atttypmod FROM pg_attribute a WHERE a.attrelid = to_regclass('track_embeddings') "
                + "AND a.attname = 'embedding' AND NOT a.attisdropped";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("reading the embedding dimension", e);
        }
    }
}
