package io.tunetrail.api.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The API's connection pool, which stops waiting for a database it just found unreachable: once a connection could
 * not be had because connecting failed (not merely because every connection was busy), requests are refused at once
 * for {@link #PAUSE_NANOS} instead of each waiting out the pool's connection timeout again. A request that needs two
 * queries while PostgreSQL is down then fails after one timeout, not two.
 */
public final class FailFastDataSource implements DataSource {
    private static final long PAUSE_NANOS = 1_000_000_000L;

    private final HikariDataSource pool;
    private volatile long refuseUntilNanos = System.nanoTime();

    public FailFastDataSource(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (System.nanoTime() - refuseUntilNanos < 0) {
            throw new SQLTransientConnectionException("PostgreSQL could not be reached less than a second ago; not waiting again yet", "08001");
        }
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            // A pool that timed out below its size could not open a connection: the database is unreachable. At its
            // size it was only busy, and the next request may well get a connection.
            if (pool.getHikariPoolMXBean().getTotalConnections() < pool.getMaximumPoolSize()) {
                refuseUntilNanos = System.nanoTime() + PAUSE_NANOS;
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the API's pool has one user; use getConnection()");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(pool) ? iface.cast(pool) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(pool) || pool.isWrapperFor(iface);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }
}
