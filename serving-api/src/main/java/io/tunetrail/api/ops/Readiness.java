package io.tunetrail.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import redis.clients.jedis.JedisPooled;

/**
 * Whether the API can do its work: PostgreSQL, Redis and Kafka each answer a trivial request within the timeout.
 *
 * <p>The three run at once, each bounded, so a black-holed server costs one timeout, not three. A result is reused for
 * a second: a probe hammering {@code /ready} must not become load on the backing services. What a failure reports is
 * its kind only (timeout, or the exception's class): the route is public and server messages name internal hosts.
 */
public final class Readiness implements AutoCloseable {
    /** One backing service's answer. */
    public record Check(String name, boolean up, double latencyMs, String error) {}

    /** All three, and whether the API is ready (every one up). */
    public record Report(boolean ready, List<Check> checks) {
        public ReadinessStatus body() {
            Map<String, ServiceStatus> services = new LinkedHashMap<>();
            for (Check c : checks) {
                services.put(c.name(), new ServiceStatus(c.up() ? "up" : "down", Math.round(c.latencyMs() * 100) / 100.0, c.error()));
            }
            return new ReadinessStatus(ready ? "ready" : "not_ready", services);
        }
    }

    /** What {@code /ready} answers: ready or not_ready, and each service by name. */
    public record ReadinessStatus(String status, Map<String, ServiceStatus> services) {}

    /** One service in {@code /ready}'s answer; {@code error} (its kind) only when it is down. */
    public record ServiceStatus(String status, double latencyMs, @JsonInclude(JsonInclude.Include.NON_NULL) String error) {}

    private static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DataSource dataSource;
    private final JedisPooled jedis;
    private final String kafkaBootstrap;
    private final Duration timeout;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tunetrail-api-readiness");
        t.setDaemon(true);
        return t;
    });
    private Admin admin;
    private Report last;
    private long lastAtNanos;

    public Readiness(DataSource dataSource, JedisPooled jedis, String kafkaBootstrap, Duration timeout) {
        this.dataSource = dataSource;
        this.jedis = jedis;
        this.kafkaBootstrap = kafkaBootstrap;
        this.timeout = timeout;
    }

    public synchronized Report check() {
        long now = System.nanoTime();
        if (last != null && now - lastAtNanos < REUSE_NANOS) {
            return last;
        }
        Map<String, Callable<Void>> probes = new LinkedHashMap<>();
        probes.put("postgresql", () -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                s.execute("SELECT 1");
            }
            return null;
        });
        probes.put("redis", () -> {
            jedis.ping();
            return null;
        });
        Admin kafka = admin(); // here, not in the probe: the probe's thread cannot take this object's lock while check() holds it
        probes.put("kafka", () -> {
            kafka.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        });
        Map<String, Future<Void>> running = new LinkedHashMap<>();
        long start = System.nanoTime();
        probes.forEach((name, probe) -> running.put(name, workers.submit(probe)));
        List<Check> checks = new ArrayList<>();
        long deadline = start + timeout.toNanos();
        for (Map.Entry<String, Future<Void>> e : running.entrySet()) {
            checks.add(await(e.getKey(), e.getValue(), start, deadline));
        }
        last = new Report(checks.stream().allMatch(Check::up), List.copyOf(checks));
        lastAtNanos = System.nanoTime();
        return last;
    }

    private static Check await(String name, Future<Void> probe, long start, long deadline) {
        try {
            probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Check(name, true, (System.nanoTime() - start) / 1e6, null);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return new Check(name, false, (System.nanoTime() - start) / 1e6, "timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, false, (System.nanoTime() - start) / 1e6, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.ExecutionException inner && inner.getCause() != null
                    ? inner.getCause() : e.getCause();
            return new Check(name, false, (System.nanoTime() - start) / 1e6, cause.getClass().getSimpleName());
        }
    }

    private Admin admin() {
        if (admin == null) {
            int ms = (int) timeout.toMillis();
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "tunetrail-api-readiness",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                    AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) ms,
                    AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) ms));
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        workers.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
