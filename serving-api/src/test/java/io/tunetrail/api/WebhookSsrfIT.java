package io.tunetrail.api;

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
import io.tunetrail.api.webhook.WebhookSettings;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 H1: webhooks cannot be pointed at our own network, neither at registration nor by changing DNS afterwards,
 * and what a receiver or a socket says never comes back to the customer. Names resolve through a {@link TestResolver};
 * the only packets sent go to loopback receivers of the test.
 */
class WebhookSsrfIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void registrationRefusesInternalTargetsWithAProblemNamingTheField() throws Exception {
        String admin = stack.key(stack.org("ssrf-register", "pro"), "admin");
        TestResolver resolver = new TestResolver().answer("internal.test", "10.1.2.3").answer("metadata.test", "169.254.169.254")
                .answer("mixed.test", "93.184.216.34", "fd00::1").answer("public.test", "93.184.216.34");
        JavalinTest.test(stack.app(WebhookSettings.local(resolver), 0), (server, client) -> {
            for (String url : List.of("http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/latest/meta-data/",
                    "http://127.0.0.1:6379/", "https://127.0.0.1:6379/", "https://10.0.0.8/", "https://[::1]:6379/",
                    "https://[::ffff:127.0.0.1]:5432/", "https://[64:ff9b::a9fe:a9fe]/", "https://[fe80::1]/", "https://100.64.1.1/",
                    "https://internal.test/hook", "https://metadata.test/", "https://mixed.test/", "https://unknown.test/",
                    "http://public.test/hook")) {
                Http.Answer refused = post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url + "\", \"events\": [\"webhook.test\"]}");
                assertThat(refused.status()).as(url).isEqualTo(422);
                assertThat(refused.contentType()).as(url).startsWith("application/problem+json");
                assertThat(refused.json().get("code").asText()).as(url).isEqualTo("webhook_url_forbidden");
                assertThat(refused.json().get("field").asText()).as(url).isEqualTo("url");
            }
            assertThat(get(client, "/api/v1/webhooks", admin).json().get("webhooks")).isEmpty();
            assertThat(ServingApp.webhooks(server).counters().urlsRefused()).isEqualTo(15);

            Http.Answer created = post(client, "/api/v1/webhooks", admin, "{\"url\": \"https://public.test/hook\", \"events\": [\"webhook.test\"]}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().get("webhook").get("circuit").get("state").asText()).isEqualTo("closed");
        });
    }

    @Test
    void aHostThatRebindsToLoopbackAfterRegistrationIsRefusedAtDeliveryWithoutConnecting() throws Exception {
        String admin = stack.key(stack.org("ssrf-rebind", "pro"), "admin");
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(received);
        TestResolver resolver = new TestResolver().rebinding("rebind.test", "93.184.216.34", "127.0.0.1");
        try {
            JavalinTest.test(stack.app(WebhookSettings.local(resolver).withLoopback(false, List.of("rebind.test")), 0), (server, client) -> {
                String id = Http.registerWebhook(client, admin, "http://rebind.test:" + receiver.getAddress().getPort() + "/hook");
                assertThat(post(client, "/api/v1/webhooks/" + id + "/test", admin, null).status()).isEqualTo(202);
                WebhookService webhooks = ServingApp.webhooks(server);
                assertThat(webhooks.deliverDue()).isEqualTo(1);
                assertThat(received).as("nothing reached the address the name rebound to").isEmpty();
                JsonNode delivery = get(client, "/api/v1/webhooks/" + id + "/deliveries", admin).json().get("deliveries").get(0);
                assertThat(delivery.get("last_error").asText()).isEqualTo("forbidden_address");
                assertThat(delivery.get("last_status_code").isNull()).isTrue();
                assertThat(delivery.get("status").asText()).isEqualTo("pending");
                assertThat(webhooks.counters().attemptsByOutcome()).containsEntry("forbidden_address", 1L);
                assertThat(resolver.calls("rebind.test")).isEqualTo(2);
                // Its retry would be due in the other tests of this class, which count what deliverDue sends.
                assertThat(Http.call(client, "DELETE", "/api/v1/webhooks/" + id, admin, null).status()).isEqualTo(204);
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aDeliveryConnectsToTheAddressItCheckedAndNamesTheHostItWasGiven() throws Exception {
        String admin = stack.key(stack.org("ssrf-pinned", "pro"), "admin");
        List<String> hosts = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        TestResolver resolver = new TestResolver().answer("hooks.test", "127.0.0.1");
        try {
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(resolver, "hooks.test"), 0), (server, client) -> {
                int port = receiver.getAddress().getPort();
                String id = Http.registerWebhook(client, admin, "http://hooks.test:" + port + "/hook");
                post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(1);
                assertThat(hosts).containsExactly("hooks.test:" + port);
                assertThat(resolver.calls("hooks.test")).as("one lookup at registration, one per delivery, none besides").isEqualTo(2);
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void receiversAnswersAndSocketErrorsReachTheCustomerOnlyAsFixedCodes() throws Exception {
        String admin = stack.key(stack.org("ssrf-oracle", "pro"), "admin");
        Map<String, Integer> hits = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = receiver.getAddress().getPort();
        receiver.createContext("/", exchange -> {
            hits.merge(exchange.getRequestURI().getPath(), 1, Integer::sum);
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/internal-admin");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "-ERR redis_version:7.2.4 internal banner".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        receiver.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        // A receiver that answers an endless status line: we read at most a few hundred bytes of it.
        ServerSocket endless = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread talker = new Thread(() -> {
            try (Socket s = endless.accept(); OutputStream out = s.getOutputStream()) {
                byte[] chunk = "A".repeat(8192).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } catch (java.io.IOException expected) {
                // the sender hangs up once it has read its bound
            }
        });
        talker.setDaemon(true);
        talker.start();
        try {
            JavalinTest.test(stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0), (server, client) -> {
                Map<String, String> expected = Map.of(
                        Http.registerWebhook(client, admin, "http://127.0.0.1:" + port + "/banner"), "http_5xx",
                        Http.registerWebhook(client, admin, "http://127.0.0.1:" + port + "/redirect"), "http_3xx",
                        Http.registerWebhook(client, admin, "http://127.0.0.1:" + closedPort + "/"), "connection_refused",
                        Http.registerWebhook(client, admin, "http://127.0.0.1:" + endless.getLocalPort() + "/"), "invalid_response");
                expected.keySet().forEach(id -> post(client, "/api/v1/webhooks/" + id + "/test", admin, null));
                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(4);
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    Http.Answer deliveries = get(client, "/api/v1/webhooks/" + e.getKey() + "/deliveries", admin);
                    assertThat(deliveries.json().get("deliveries").get(0).get("last_error").asText()).isEqualTo(e.getValue());
                    assertThat(deliveries.text()).doesNotContainIgnoringCase("redis").doesNotContainIgnoringCase("refused:")
                            .doesNotContain("Exception").doesNotContain("AAAA").doesNotContain("internal-admin");
                }
                assertThat(hits).as("the redirect was not followed").containsOnlyKeys("/banner", "/redirect");
                expected.keySet().forEach(id -> assertThat(Http.call(client, "DELETE", "/api/v1/webhooks/" + id, admin, null).status()).isEqualTo(204));
            });
        } finally {
            receiver.stop(0);
            endless.close();
        }
    }

    private static HttpServer receiver(List<String> received) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }
}
