package io.tunetrail.api;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import javax.sql.DataSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The backing services the API is built on: PostgreSQL, Redis and the Kafka producer. The app factory builds every
 * store and service over these; tests pass their own (a fresh database, a shared Redis, fresh topics).
 */
public record ApiStores(DataSource dataSource, JedisPooled jedis, String redisWhere, EventPublisher events, AutoCloseable onClose)
        implements AutoCloseable {

    /** Connects to the configured stack (pool sizes for a 2-core server); {@link #close()} releases everything. */
    public static ApiStores open(PlatformConfig config) {
        HikariDataSource ds = Database.connect(config, 16, config.getInt(PlatformConfig.API_POSTGRES_STATEMENT_TIMEOUT_MS),
                config.getLong(PlatformConfig.API_DB_CONNECT_TIMEOUT_MS));
        HostAndPort address = new HostAndPort(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT));
        int redisTimeout = config.getInt(PlatformConfig.API_REDIS_TIMEOUT_MS);
        redis.clients.jedis.ConnectionPoolConfig pool = new redis.clients.jedis.ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        // The pool's default is to wait for a free connection forever: with Redis hung every request thread would.
        pool.setMaxWait(java.time.Duration.ofMillis(redisTimeout));
        JedisPooled jedis = new JedisPooled(pool, address, DefaultJedisClientConfig.builder().timeoutMillis(redisTimeout).build());
        try {
            jedis.ping();
        } catch (JedisException e) {
            jedis.close();
            ds.close();
            throw StoreException.unavailable("Redis", address.toString(), e);
        }
        EventPublisher events = new EventPublisher(config);
        return new ApiStores(new io.tunetrail.api.store.FailFastDataSource(ds), jedis, address.toString(), events, () -> {
            events.close();
            jedis.close();
            ds.close();
        });
    }

    @Override
    public void close() throws Exception {
        onClose.close();
    }
}
