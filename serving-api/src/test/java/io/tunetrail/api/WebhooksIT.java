package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.TestResolver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook deliveries reach a real HTTP receiver, signed, retried with backoff after a failure, and recorded. */
class WebhooksIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    record Received(String signature, String event, String body) {}

    @Test
    void signedDeliveriesAreRetriedWithBackoffAndRecorded() throws Exception {
        String org = stack.org("hooks", "pro");
        String admin = stack.key(org, "admin");
        String other = stack.key(stack.org("hooks-other", "pro"), "admin");
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("TuneTrail-Signature"),
                    exchange.getRequestHeaders().getFirst("TuneTrail-Event"), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0), (server, client) -> {
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                Http.Answer bad = post(client, "/api/v1/webhooks", admin, "{\"url\": \"ftp://x\", \"events\": [\"webhook.test\"]}");
                assertThat(bad.json().get("field").asText()).isEqualTo("url");
                Http.Answer created = post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"webhook.test\", \"training.queued\"]}");
                assertThat(created.status()).isEqualTo(201);
                String id = created.json().get("webhook").get("webhook_id").asText();
                String secret = created.json().get("secret").asText();
                assertThat(get(client, "/api/v1/webhooks", admin).text()).contains(id).doesNotContain(secret);

                for (String[] a : new String[][] {{"GET", "/api/v1/webhooks/" + id + "/deliveries"}, {"POST", "/api/v1/webhooks/" + id + "/test"},
                    {"DELETE", "/api/v1/webhooks/" + id}}) {
                    assertThat(call(client, a[0], a[1], other, null).status()).as(a[0] + " " + a[1]).isEqualTo(404);
                }

                assertThat(post(client, "/api/v1/webhooks/" + id + "/test", admin, null).json().get("queued").asInt()).isEqualTo(1);
                WebhookService webhooks = ServingApp.webhooks(server);
                assertThat(webhooks.deliverDue()).isEqualTo(1);
                JsonNode first = get(client, "/api/v1/webhooks/" + id + "/deliveries", admin).json().get("deliveries").get(0);
                assertThat(first.get("status").asText()).isEqualTo("pending");
                assertThat(first.get("attempts").asInt()).isEqualTo(1);
                assertThat(first.get("last_status_code").asInt()).isEqualTo(500);
                assertThat(first.get("last_error").asText()).isEqualTo("http_5xx");
                assertThat(webhooks.deliverDue()).as("not due again before the backoff").isZero();

                stack.clock.advance(Duration.ofSeconds(11));
                assertThat(webhooks.deliverDue()).isEqualTo(1);
                JsonNode done = get(client, "/api/v1/webhooks/" + id + "/deliveries", admin).json().get("deliveries").get(0);
                assertThat(done.get("status").asText()).isEqualTo("delivered");
                assertThat(done.get("attempts").asInt()).isEqualTo(2);
                assertThat(done.get("last_status_code").asInt()).isEqualTo(204);

                assertThat(received).hasSize(2);
                Received r = received.get(1);
                assertThat(r.event()).isEqualTo("webhook.test");
                Map<String, String> parts = Map.of("t", r.signature().split(",")[0].substring(2), "v1", r.signature().split(",")[1].substring(3));
                assertThat(WebhookService.sign(secret, parts.get("t") + "." + r.body())).isEqualTo(parts.get("v1"));
                assertThat(WebhookService.sign("whsec_wrong_secret_000000000", parts.get("t") + "." + r.body())).isNotEqualTo(parts.get("v1"));
                JsonNode event = io.tunetrail.api.http.Json.mapper().readTree(r.body());
                assertThat(event.get("type").asText()).isEqualTo("webhook.test");
                assertThat(event.get("org_id").asText()).isEqualTo(org);

                assertThat(call(client, "DELETE", "/api/v1/webhooks/" + id, admin, null).status()).isEqualTo(204);
                assertThat(get(client, "/api/v1/webhooks", admin).json().get("webhooks")).isEmpty();
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void quotaRefusalsAndPlanChangesAreAnnouncedOnce() throws Exception {
        String org = stack.org("announce", "pro");
        String admin = stack.key(org, "admin");
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("TuneTrail-Signature"),
                    exchange.getRequestHeaders().getFirst("TuneTrail-Event"), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0), (server, client) -> {
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                assertThat(post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"usage.limit_reached\", \"plan.changed\"]}")
                        .status()).isEqualTo(201);
                stack.redis.store().addUsage(org, "api_calls", 100_000, stack.clock.instant());
                assertThat(get(client, "/api/v1/tracks/top", admin).status()).isEqualTo(429);
                assertThat(get(client, "/api/v1/tracks/top", admin).status()).isEqualTo(429);
                // A second app (another instance) refusing in the same day does not announce it again either.
                JavalinTest.test(stack.app(), (server2, client2) -> assertThat(get(client2, "/api/v1/tracks/top", admin).status()).isEqualTo(429));

                String checkout = StripeWebhookIT.event(StripeWebhookIT.evt(), "checkout.session.completed", "{\"object\":\"checkout.session\","
                        + "\"client_reference_id\":\"" + org + "\",\"customer\":\"cus_Announce1\",\"metadata\":{\"price_id\":\"price_enterprise_monthly\"}}");
                assertThat(StripeWebhookIT.deliver(client, checkout, StripeWebhookIT.sign(checkout, ApiTestStack.WEBHOOK_SECRET)).status()).isEqualTo(200);

                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(2);
                assertThat(received).extracting(Received::event).containsExactlyInAnyOrder("usage.limit_reached", "plan.changed");
                JsonNode limit = io.tunetrail.api.http.Json.mapper().readTree(received.stream()
                        .filter(r -> r.event().equals("usage.limit_reached")).findFirst().orElseThrow().body()).get("data");
                assertThat(limit.get("resource").asText()).isEqualTo("api_calls");
                assertThat(limit.get("limit").asLong()).isEqualTo(100_000);
                JsonNode plan = io.tunetrail.api.http.Json.mapper().readTree(received.stream()
                        .filter(r -> r.event().equals("plan.changed")).findFirst().orElseThrow().body()).get("data");
                assertThat(plan.get("plan_id").asText()).isEqualTo("enterprise");
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void theTestRouteIsMeteredAgainstItsOwnDailyLimit() throws Exception {
        String org = stack.org("hooks-metered", "pro");
        String admin = stack.key(org, "admin");
        JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0), (server, client) -> {
            String id = post(client, "/api/v1/webhooks", admin, "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": [\"webhook.test\"]}")
                    .json().get("webhook").get("webhook_id").asText();
            assertThat(post(client, "/api/v1/webhooks/" + id + "/test", admin, null).status()).isEqualTo(202);
            long limit = stack.plans.plan("pro").limit("webhook_tests").perDay();
            stack.redis.store().addUsage(org, "webhook_tests", limit - 1, stack.clock.instant());
            Http.Answer refused = post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("resource").asText()).isEqualTo("webhook_tests");
            assertThat(refused.json().get("limit").asLong()).isEqualTo(limit);
            assertThat(get(client, "/api/v1/webhooks/" + id + "/deliveries", admin).json().get("deliveries")).hasSize(1);
            // Its delivery would be due in the other tests of this class, which count what deliverDue sends.
            assertThat(call(client, "DELETE", "/api/v1/webhooks/" + id, admin, null).status()).isEqualTo(204);
        });
    }

    @Test
    void consecutiveFailuresOpenTheCircuitWhichTheWebhooksStatusShowsUntilATrialSucceeds() throws Exception {
        String org = stack.org("hooks-breaker", "pro");
        String admin = stack.key(org, "admin");
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        HttpServer receiver = failingReceiver(failing, calls);
        try {
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()).withBreaker(3, Duration.ofSeconds(60)), 0),
                    (server, client) -> {
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                String id = post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"webhook.test\"]}")
                        .json().get("webhook").get("webhook_id").asText();
                assertThat(get(client, "/api/v1/webhooks/" + id, admin).json().get("circuit").get("state").asText()).isEqualTo("closed");
                for (int i = 0; i < 3; i++) {
                    post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
                }
                WebhookService webhooks = ServingApp.webhooks(server);
                assertThat(webhooks.deliverDue()).isEqualTo(3);
                JsonNode circuit = get(client, "/api/v1/webhooks/" + id, admin).json().get("circuit");
                assertThat(circuit.get("state").asText()).isEqualTo("open");
                assertThat(circuit.get("consecutive_failures").asInt()).isEqualTo(3);
                assertThat(Duration.between(stack.clock.instant().plusSeconds(60), java.time.Instant.parse(circuit.get("retry_at").asText())).abs())
                        .isLessThan(Duration.ofMillis(1));
                assertThat(get(client, "/api/v1/webhooks", admin).json().get("webhooks").get(0).get("circuit").get("state").asText())
                        .isEqualTo("open");

                // Open: nothing goes out, however much is due.
                post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
                stack.clock.advance(Duration.ofSeconds(30));
                assertThat(webhooks.deliverDue()).isZero();
                assertThat(calls.get()).isEqualTo(3);
                assertThat(webhooks.counters().attemptsByOutcome()).containsEntry("http_5xx", 3L).containsEntry("delivered", 0L);
                assertThat(webhooks.counters().circuitsOpened()).isEqualTo(1);
                assertThat(webhooks.circuitStates()).containsEntry("open", 1L);

                // Half open after the cool-down: one trial; it fails, so the circuit opens again.
                stack.clock.advance(Duration.ofSeconds(31));
                assertThat(get(client, "/api/v1/webhooks/" + id, admin).json().get("circuit").get("state").asText()).isEqualTo("half_open");
                assertThat(webhooks.deliverDue()).isEqualTo(1);
                assertThat(get(client, "/api/v1/webhooks/" + id, admin).json().get("circuit").get("state").asText()).isEqualTo("open");
                assertThat(webhooks.counters().circuitsOpened()).isEqualTo(2);

                // The next trial succeeds: closed again, and everything due goes out.
                stack.clock.advance(Duration.ofSeconds(61));
                failing.set(false);
                assertThat(webhooks.deliverDue()).isEqualTo(4);
                circuit = get(client, "/api/v1/webhooks/" + id, admin).json().get("circuit");
                assertThat(circuit.get("state").asText()).isEqualTo("closed");
                assertThat(circuit.get("consecutive_failures").asInt()).isZero();
                assertThat(webhooks.counters().attemptsByOutcome()).containsEntry("delivered", 4L);
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aFailedDeliveryIsRetriedOnceMoreOnlyByItsOrgAndOnlyWhenFailed() throws Exception {
        String org = stack.org("hooks-retry", "pro");
        String admin = stack.key(org, "admin");
        String other = stack.key(stack.org("hooks-retry-other", "pro"), "admin");
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        HttpServer receiver = failingReceiver(failing, new AtomicInteger());
        try {
            // A breaker that never opens here: the delivery must give up by its attempts, not wait on the circuit.
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()).withBreaker(100, Duration.ofSeconds(1)), 0),
                    (server, client) -> {
                String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
                String id = post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"webhook.test\"]}")
                        .json().get("webhook").get("webhook_id").asText();
                post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
                WebhookService webhooks = ServingApp.webhooks(server);
                String deliveries = "/api/v1/webhooks/" + id + "/deliveries";
                String deliveryId = get(client, deliveries, admin).json().get("deliveries").get(0).get("delivery_id").asText();
                String retry = deliveries + "/" + deliveryId + "/retry";

                Http.Answer pending = post(client, retry, admin, null);
                assertThat(pending.status()).isEqualTo(409);
                assertThat(pending.json().get("code").asText()).isEqualTo("delivery_not_failed");
                for (int attempt = 0; attempt < 8; attempt++) {
                    assertThat(webhooks.deliverDue()).isEqualTo(1);
                    stack.clock.advance(Duration.ofHours(1));
                }
                JsonNode failed = get(client, deliveries, admin).json().get("deliveries").get(0);
                assertThat(failed.get("status").asText()).isEqualTo("failed");
                assertThat(failed.get("attempts").asInt()).isEqualTo(8);
                assertThat(webhooks.deliverDue()).as("a failed delivery is not sent again by itself").isZero();

                assertThat(post(client, retry, other, null).status()).as("another org's delivery").isEqualTo(404);
                assertThat(post(client, "/api/v1/webhooks/wh_elsewhere/deliveries/" + deliveryId + "/retry", admin, null).status())
                        .as("under an endpoint that is not the delivery's").isEqualTo(404);
                assertThat(get(client, deliveries, admin).json().get("deliveries").get(0).get("status").asText()).isEqualTo("failed");

                Http.Answer queued = post(client, retry, admin, null);
                assertThat(queued.status()).isEqualTo(200);
                assertThat(queued.json().get("status").asText()).isEqualTo("pending");
                assertThat(queued.json().get("attempts").asInt()).isEqualTo(8);
                assertThat(Duration.between(stack.clock.instant(), java.time.Instant.parse(queued.json().get("next_attempt_at").asText())).abs())
                        .as("due now").isLessThan(Duration.ofMillis(1));
                failing.set(false);
                assertThat(webhooks.deliverDue()).isEqualTo(1);
                JsonNode delivered = get(client, deliveries, admin).json().get("deliveries").get(0);
                assertThat(delivered.get("status").asText()).isEqualTo("delivered");
                assertThat(delivered.get("attempts").asInt()).isEqualTo(9);
                Http.Answer again = post(client, retry, admin, null);
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.json().get("code").asText()).isEqualTo("delivery_not_failed");
            });
        } finally {
            receiver.stop(0);
        }
    }

    /** A receiver on loopback at {@code /hook} answering 503 while {@code failing}, 204 otherwise, counting its calls. */
    private static HttpServer failingReceiver(java.util.concurrent.atomic.AtomicBoolean failing, AtomicInteger calls) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(failing.get() ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }
}
