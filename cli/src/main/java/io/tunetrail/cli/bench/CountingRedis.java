package io.tunetrail.cli.bench;

import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * A Jedis client that counts its round trips to Redis: every flush of a connection's output is one request sent and
 * waited for (a single command, a pipeline or a transaction alike), which is what a round trip costs.
 */
final class CountingRedis {
    private final LongAdder roundTrips = new LongAdder();
    private final JedisPooled jedis;

    CountingRedis(HostAndPort address) {
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().timeoutMillis(5_000).build();
        ConnectionFactory plain = new ConnectionFactory(address, config);
        PooledObjectFactory<Connection> counting = new PooledObjectFactory<>() {
            @Override
            public PooledObject<Connection> makeObject() {
                return new DefaultPooledObject<>(new Connection(address, config) {
                    @Override
                    protected void flush() {
                        roundTrips.increment();
                        super.flush();
                    }
                });
            }

            @Override
            public void destroyObject(PooledObject<Connection> p) throws Exception {
                plain.destroyObject(p);
            }

            @Override
            public boolean validateObject(PooledObject<Connection> p) {
                return plain.validateObject(p);
            }

            @Override
            public void activateObject(PooledObject<Connection> p) throws Exception {
                plain.activateObject(p);
            }

            @Override
            public void passivateObject(PooledObject<Connection> p) throws Exception {
                plain.passivateObject(p);
            }
        };
        // The pool the API's own wiring uses (ApiStores.open): enough connections that requests never queue for one.
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        this.jedis = new JedisPooled(counting, pool);
    }

    JedisPooled jedis() {
        return jedis;
    }

    long roundTrips() {
        return roundTrips.sum();
    }
}
