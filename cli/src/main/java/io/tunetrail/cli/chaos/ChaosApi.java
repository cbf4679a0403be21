package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.ApiServer;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;

/**
 * A serving API in this JVM on the stack a scenario breaks, with orgs of the scenario's own: the scenario loads it
 * over real HTTP and reads its counters (dropped usage events, degraded decisions, pool connections) directly.
 * It sends no webhooks (another API of the stack may), so it only ever touches its own orgs' data.
 */
final class ChaosApi implements AutoCloseable {
    /** What one request got: status (-1 when no answer came within the client's timeout), problem code, headers, time. */
    record Reply(int status, String code, String contentType, String retryAfter, long millis) {
        boolean isProblem(int expectedStatus, String expectedCode) {
            return status == expectedStatus && expectedCode.equals(code) && contentType != null
                    && contentType.startsWith("application/problem+json") && retryAfter != null;
        }
    }

    /** An org of the scenario and its org key (all scopes, acts as owner). */
    record Tenant(String orgId, String key) {}

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlatformConfig config;
    private final ApiServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ChaosApi(PlatformConfig config, ApiServer server) {
        this.config = config;
        this.server = server;
    }

    /** Starts on a free loopback port over {@code config}'s stack, with {@code overrides} of its configuration keys. */
    static ChaosApi start(PlatformConfig config, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(config.asMap());
        values.put(PlatformConfig.API_WEBHOOK_DISPATCH_MS.name(), "0");
        values.putAll(overrides);
        PlatformConfig own = PlatformConfig.load(Map.of(), values);
        return new ChaosApi(own, ApiServer.start(own, "127.0.0.1", 0));
    }

    /** A new org on {@code plan} (id {@code chaos-NAME-RANDOM}) and a key for it. */
    Tenant tenant(String name, String plan) {
        String orgId = "chaos-" + name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        Sql sql = new Sql(server.stores().dataSource());
        new OrgStore(sql).create(orgId, "Chaos " + name, plan, "cloud");
        String key = new ApiKeyStore(sql).create(orgId, null, "chaos", List.of("read", "write", "admin"), null).secret();
        return new Tenant(orgId, key);
    }

    Reply get(String path, String key) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET());
    }

    Reply post(String path, String key, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private Reply send(HttpRequest.Builder request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String contentType = r.headers().firstValue("Content-Type").orElse(null);
            String code = null;
            if (contentType != null && contentType.contains("json") && r.statusCode() >= 400) {
                JsonNode body = JSON.readTree(r.body());
                code = body.path("code").asText(null);
            }
            return new Reply(r.statusCode(), code, contentType, r.headers().firstValue("Retry-After").orElse(null), millis);
        } catch (HttpTimeoutException e) {
            return new Reply(-1, "client_timeout", null, null, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            return new Reply(-1, "client_error: " + e, null, null, (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "interrupted", null, null, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** The org's {@code api_calls} counter of today in Redis: what the quota sees. */
    long apiCallsToday(Tenant tenant) {
        try (Jedis jedis = new Jedis(config.get(PlatformConfig.REDIS_HOST), config.getInt(PlatformConfig.REDIS_PORT), 5_000)) {
            String v = jedis.get(RedisKeys.usageDay(tenant.orgId(), "api_calls", LocalDate.now(ZoneOffset.UTC)));
            return v == null ? 0 : Long.parseLong(v);
        }
    }

    PlatformConfig config() {
        return config;
    }

    UsageLimiter limiter() {
        return ServingApp.limiter(server.app());
    }

    EventPublisher events() {
        return server.stores().events();
    }

    HikariDataSource pool() throws java.sql.SQLException {
        return server.stores().dataSource().unwrap(HikariDataSource.class);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
