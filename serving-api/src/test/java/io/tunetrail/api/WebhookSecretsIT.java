package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.SecretSealer;
import io.tunetrail.api.webhook.WebhookSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhook signing secrets are stored sealed with a configured key, old plaintext rows get sealed, and keys rotate. */
class WebhookSecretsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final String K1 = "k1:" + Base64.getEncoder().encodeToString("first-key-of-32-bytes-for-tests!".getBytes(StandardCharsets.US_ASCII));
    private static final String K2 = "k2:" + Base64.getEncoder().encodeToString("second-key-of-32-bytes-for-test!".getBytes(StandardCharsets.US_ASCII));

    record Received(String signature, String body) {}

    @Test
    void theTableHoldsNoPlaintextSecretAndDeliveriesStillSignWithIt() throws Exception {
        String org = stack.org("secrets-new", "pro");
        String admin = stack.key(org, "admin");
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(received);
        try {
            JavalinTest.test(stack.app(settings(K1), 0), (server, client) -> {
                var created = post(client, "/api/v1/webhooks", admin, "{\"url\": \"" + url(receiver) + "\", \"events\": [\"webhook.test\"]}");
                String id = created.json().get("webhook").get("webhook_id").asText();
                String secret = created.json().get("secret").asText();
                assertNoPlaintext(secret);
                assertThat(keyId(org, id)).isEqualTo("k1");

                post(client, "/api/v1/webhooks/" + id + "/test", admin, null);
                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(1);
                assertSignedWith(received.get(0), secret);
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void plaintextRowsFromBeforeAreSealedAtStartAndKeysRotate() throws Exception {
        String org = stack.org("secrets-legacy", "pro");
        String admin = stack.key(org, "admin");
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = receiver(received);
        String legacy = "whsec_legacy_plaintext_secret_0001";
        try {
            // A row as the API wrote it before secrets were sealed.
            stack.sql().update("planting a legacy webhook", "INSERT INTO webhook_endpoints (org_id, webhook_id, url, secret, events) "
                    + "VALUES (?, 'wh_legacy', ?, ?, '{webhook.test}')", ps -> {
                        ps.setString(1, org);
                        ps.setString(2, url(receiver));
                        ps.setString(3, legacy);
                    });
            JavalinTest.test(stack.app(settings(K1), 0), (server, client) -> {
                assertNoPlaintext(legacy);
                assertThat(keyId(org, "wh_legacy")).isEqualTo("k1");
                post(client, "/api/v1/webhooks/wh_legacy/test", admin, null);
                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(1);
                assertSignedWith(received.get(0), legacy);
            });
            // A new first key: the row is re-sealed with it at start, and deliveries still sign with the same secret.
            JavalinTest.test(stack.app(settings(K2 + "," + K1), 0), (server, client) -> {
                assertThat(keyId(org, "wh_legacy")).isEqualTo("k2");
                assertNoPlaintext(legacy);
                post(client, "/api/v1/webhooks/wh_legacy/test", admin, null);
                assertThat(ServingApp.webhooks(server).deliverDue()).isEqualTo(1);
                assertSignedWith(received.get(1), legacy);
            });
        } finally {
            receiver.stop(0);
        }
    }

    /** No column of any endpoint row holds the secret, in text or as hex. */
    private static void assertNoPlaintext(String secret) {
        String hex = java.util.HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
        long rows = stack.sql().one("looking for plaintext", "SELECT count(*) FROM webhook_endpoints t WHERE t::text LIKE '%' || ? || '%' "
                + "OR t::text LIKE '%' || ? || '%' OR t.secret IS NOT NULL OR t.secret_sealed IS NULL", ps -> {
                    ps.setString(1, secret);
                    ps.setString(2, hex);
                }, rs -> rs.getLong(1)).orElseThrow();
        assertThat(rows).isZero();
    }

    private static String keyId(String org, String webhookId) {
        return stack.sql().one("reading a key id", "SELECT secret_key_id FROM webhook_endpoints WHERE org_id = ? AND webhook_id = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, webhookId);
        }, rs -> rs.getString(1)).orElseThrow();
    }

    private static void assertSignedWith(Received r, String secret) {
        String t = r.signature().split(",")[0].substring(2);
        String v1 = r.signature().split(",")[1].substring(3);
        assertThat(WebhookService.sign(secret, t + "." + r.body())).isEqualTo(v1);
    }

    private static WebhookSettings settings(String keys) {
        return ApiTestStack.loopbackWebhooks(new TestResolver()).withSealer(SecretSealer.fromConfig(keys, false));
    }

    private static String url(HttpServer receiver) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static HttpServer receiver(List<Received> received) throws java.io.IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("TuneTrail-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }
}
