package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.api.testing.Http;
import java.net.ServerSocket;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

/** /health, /ready (each backing service by name, 503 when one is down) and /metrics (Prometheus, behind the operator token). */
class OperatorEndpointsIT {
    private static final String TOKEN = "operator-token-for-its";

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static Javalin app(ApiStores stores, String metricsToken) {
        return ServingApp.create(stores, stack.clock,
                new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0, WebhookSettings.local(new TestResolver()), 10_000, 65_536,
                        metricsToken));
    }

    private static Http.Answer metrics(io.javalin.testtools.HttpClient client, String token) {
        Request.Builder b = new Request.Builder().url(client.getOrigin() + "/metrics");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return Http.answer(client, b.build());
    }

    /** The value of the one sample of {@code name} whose labels are exactly {@code labels} (Prometheus text), or -1. */
    private static double sample(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void healthAndReadinessReportEachServiceByName() {
        JavalinTest.test(app(stack.stores(), ""), (server, client) -> {
            assertThat(get(client, "/health", null).json().get("status").asText()).isEqualTo("ok");
            Http.Answer ready = get(client, "/ready", null);
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("ready");
            for (String service : List.of("postgresql", "redis", "kafka")) {
                JsonNode s = ready.json().get("services").get(service);
                assertThat(s.get("status").asText()).as(service).isEqualTo("up");
                assertThat(s.get("latency_ms").asDouble()).as(service).isGreaterThanOrEqualTo(0).isLessThan(2_000);
            }
        });
    }

    /** The app skips Javalin's before-matched step while no such handler exists; one added later still runs, on matched paths only. */
    @Test
    void aBeforeMatchedHandlerAddedToTheAppStillRunsOnMatchedRoutesOnly() {
        Javalin app = app(stack.stores(), "");
        app.beforeMatched(ctx -> ctx.header("X-Before-Matched", ctx.endpointHandlerPath()));
        JavalinTest.test(app, (server, client) -> {
            Http.Answer health = get(client, "/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.header("X-Before-Matched")).isEqualTo("/health");
            Http.Answer unknown = get(client, "/no-such-route", null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.header("X-Before-Matched")).isNull();
        });
        JavalinTest.test(app(stack.stores(), ""), (server, client) ->
                assertThat(get(client, "/health", null).header("X-Before-Matched")).as("an app without the handler").isNull());
    }

    private enum ProbeRole implements io.javalin.security.RouteRole { PROBE }

    /**
     * The app finds a request's route once and remembers the route of a route's own path: the first route registered
     * that matches still answers (here a parameter route registered before an exact one), every time, with its own
     * roles and path parameters; other paths are matched as before.
     */
    @Test
    void aPathIsAnsweredByTheFirstRouteThatMatchesItEveryTime() {
        Javalin app = app(stack.stores(), "");
        app.get("/probe/{id}", ctx -> ctx.result("param " + ctx.pathParam("id") + " " + ctx.routeRoles()), ProbeRole.PROBE);
        app.get("/probe/exact", ctx -> ctx.result("exact"));
        app.get("/probe-exact", ctx -> ctx.result("exact " + ctx.routeRoles()));
        JavalinTest.test(app, (server, client) -> {
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, "/probe/exact", null).text()).as("request %d", i).isEqualTo("param exact [PROBE]");
                assertThat(get(client, "/probe/other" + i, null).text()).isEqualTo("param other" + i + " [PROBE]");
                assertThat(get(client, "/probe-exact", null).text()).isEqualTo("exact []");
                assertThat(get(client, "/no-such-route", null).status()).isEqualTo(404);
            }
        });
    }

    @Test
    void readinessIs503AndNamesRedisWhenRedisIsDown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens here once it is closed
        }
        try (JedisPooled down = new JedisPooled("127.0.0.1", closed)) {
            ApiStores stores = new ApiStores(stack.db.dataSource(), down, "127.0.0.1:" + closed, stack.stores().events(), () -> {});
            JavalinTest.test(app(stores, ""), (server, client) -> {
                Http.Answer ready = get(client, "/ready", null);
                assertThat(ready.status()).as(ready.text()).isEqualTo(503);
                assertThat(ready.json().get("status").asText()).isEqualTo("not_ready");
                assertThat(ready.json().get("services").get("redis").get("status").asText()).isEqualTo("down");
                assertThat(ready.json().get("services").get("redis").get("error").asText()).isNotBlank().doesNotContain(Integer.toString(closed));
                assertThat(ready.json().get("services").get("postgresql").get("status").asText()).isEqualTo("up");
                assertThat(ready.json().get("services").get("kafka").get("status").asText()).isEqualTo("up");
                assertThat(get(client, "/health", null).status()).isEqualTo(200);
            });
        }
    }

    @Test
    void metricsAreOffWithoutATokenAndRefusedWithAWrongOne() {
        JavalinTest.test(app(stack.stores(), ""), (server, client) -> {
            Http.Answer off = metrics(client, "anything");
            assertThat(off.status()).isEqualTo(404);
            assertThat(off.json().get("code").asText()).isEqualTo("metrics_disabled");
        });
        JavalinTest.test(app(stack.stores(), TOKEN), (server, client) -> {
            assertThat(metrics(client, null).json().get("code").asText()).isEqualTo("invalid_operator_token");
            assertThat(metrics(client, TOKEN + "x").status()).isEqualTo(401);
            assertThat(metrics(client, TOKEN.substring(1)).status()).isEqualTo(401);
        });
    }

    @Test
    void metricsCountRequestsByRouteTemplateAndRefusalsByPlanAndResource() {
        String free = stack.key(stack.org("metrics-free", "free"), "read", "write");
        JavalinTest.test(app(stack.stores(), TOKEN), (server, client) -> {
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, "/api/v1/genres/g-" + i, free).status()).isEqualTo(404);
            }
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u1", free).status()).isEqualTo(402);
            int limited = 0;
            for (int i = 0; i < 15; i++) { // the free plan's burst is 10
                if (get(client, "/api/v1/genres", free).status() == 429) {
                    limited++;
                }
            }
            assertThat(limited).isPositive();
            get(client, "/no/such/route/" + System.nanoTime(), null);

            Http.Answer scraped = metrics(client, TOKEN);
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.contentType()).startsWith("text/plain");
            String text = scraped.text();
            // By route template, never by raw path: three different ids, one series.
            assertThat(sample(text, "http_server_requests_seconds_count", "method=\"GET\",route=\"/api/v1/genres/{genre_id}\",status=\"404\""))
                    .isEqualTo(3);
            assertThat(text).doesNotContain("g-1").doesNotContain("/no/such/route");
            assertThat(sample(text, "http_server_requests_seconds_count", "method=\"GET\",route=\"" + ApiMetrics.UNMATCHED + "\",status=\"404\""))
                    .isEqualTo(1);
            assertThat(sample(text, "http_server_requests_seconds_count", "method=\"GET\",route=\"/api/v1/genres\",status=\"429\""))
                    .isEqualTo(limited);
            assertThat(text).contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/v1/genres\",status=\"200\",le=");
            assertThat(sample(text, "tunetrail_api_refusals_total", "plan=\"free\",resource=\"personalized_recommendations\",status=\"402\""))
                    .isEqualTo(1);
            assertThat(sample(text, "tunetrail_api_refusals_total", "plan=\"free\",resource=\"api_calls\",status=\"429\"")).isEqualTo(limited);
            assertThat(text).containsPattern("(?m)^tunetrail_limiter_check_seconds_count [1-9]");
            assertThat(text).containsPattern("(?m)^tunetrail_usage_events_queued [0-9]");
            assertThat(text).containsPattern("(?m)^tunetrail_usage_events_dropped_total 0\\.0$");
            assertThat(text).contains("tunetrail_usage_events_failed_total");
            assertThat(text).contains("jvm_memory_used_bytes{").contains("jvm_gc_").contains("process_cpu_usage");
            assertThat(text).contains("hikaricp_connections_active{pool=");
        });
    }
}
