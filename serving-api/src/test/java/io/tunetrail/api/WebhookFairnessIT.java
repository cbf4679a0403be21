package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 H4: an org whose endpoints accept connections and never answer holds at most its share of the delivery
 * workers for one bounded attempt each, and another org's delivery goes out meanwhile.
 */
class WebhookFairnessIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @Test
    void anEndpointThatNeverAnswersDoesNotDelayAnotherOrgsDelivery() throws Exception {
        String slowAdmin = stack.key(stack.org("fair-slow", "pro"), "admin");
        String otherAdmin = stack.key(stack.org("fair-other", "pro"), "admin");
        List<Socket> held = new CopyOnWriteArrayList<>();
        ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(blackHole.accept()); // accepted, read never, answered never
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        CountDownLatch otherReceived = new CountDownLatch(1);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            otherReceived.countDown();
        });
        receiver.start();
        WebhookSettings settings = ApiTestStack.loopbackWebhooks(new TestResolver()).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(4));
        try {
            JavalinTest.test(stack.app(settings, 50), (server, client) -> {
                // Four silent endpoints with two deliveries each: enough to hold every worker if nothing stopped it.
                List<String> slowIds = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String id = Http.registerWebhook(client, slowAdmin, "http://127.0.0.1:" + blackHole.getLocalPort() + "/silent" + i);
                    slowIds.add(id);
                    post(client, "/api/v1/webhooks/" + id + "/test", slowAdmin, null);
                    post(client, "/api/v1/webhooks/" + id + "/test", slowAdmin, null);
                }
                waitFor(() -> held.size() >= settings.maxInFlightPerOrg(), Duration.ofSeconds(5));
                Thread.sleep(300);
                assertThat(held).as("one org holds at most its share of the workers").hasSize(settings.maxInFlightPerOrg());

                String otherId = Http.registerWebhook(client, otherAdmin, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
                long queued = System.nanoTime();
                assertThat(post(client, "/api/v1/webhooks/" + otherId + "/test", otherAdmin, null).status()).isEqualTo(202);
                assertThat(otherReceived.await(10, TimeUnit.SECONDS)).isTrue();
                long delayMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued);
                assertThat(delayMs).as("the other org's delivery waited %d ms", delayMs).isLessThan(2_000);

                // The silent endpoints' attempts end at the response timeout, recorded as such.
                // Which two endpoints the dispatcher took first is its round-robin's choice: any of the four will do.
                waitFor(() -> slowIds.stream().anyMatch(id -> get(client, "/api/v1/webhooks/" + id + "/deliveries", slowAdmin).text()
                        .contains("\"timeout\"")), Duration.ofSeconds(15));
                assertThat(ServingApp.webhooks(server).counters().attemptsByOutcome().get("timeout")).isPositive();
                assertThat(ServingApp.webhooks(server).counters().attemptsByOutcome().get("delivered")).isEqualTo(1);
            });
        } finally {
            receiver.stop(0);
            blackHole.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
