package io.tunetrail.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender against loopback receivers: TLS verified for the URL's name while the socket goes to the pinned address,
 * and an attempt that never gets an answer ends at the configured bound.
 */
class WebhookSenderTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    static KeyStore keys;
    static HttpsServer https;
    static final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTlsReceiver() throws Exception {
        Path store = dir.resolve("hooks.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "hook", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=hooks.test", "-ext", "SAN=dns:hooks.test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(server));
        https.createContext("/hook", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        https.start();
    }

    @AfterAll
    static void stop() {
        https.stop(0);
    }

    @Test
    void tlsIsVerifiedForTheUrlsNameWhileConnectingToThePinnedAddress() throws Exception {
        int port = https.getAddress().getPort();
        WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), Duration.ofSeconds(5), trusting(keys));
        WebhookSender.Result ok = sender.post(target("hooks.test", port), Map.of("Content-Type", "application/json"), "{}".getBytes());
        assertThat(ok).isEqualTo(new WebhookSender.Result(DeliveryOutcome.DELIVERED, 204));
        assertThat(hosts).contains("hooks.test:" + port);

        WebhookSender.Result wrongName = sender.post(target("other.test", port), Map.of(), "{}".getBytes());
        assertThat(wrongName.outcome()).as("the certificate names hooks.test, the URL another host").isEqualTo(DeliveryOutcome.TLS_ERROR);
        WebhookSender.Result untrusted = new WebhookSender(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .post(target("hooks.test", port), Map.of(), "{}".getBytes());
        assertThat(untrusted.outcome()).as("self-signed, not in the JDK's trust store").isEqualTo(DeliveryOutcome.TLS_ERROR);
    }

    @Test
    void aReceiverThatNeverAnswersCostsTheResponseBoundAndNoMore() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    held.add(silent.accept());
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            WebhookSender sender = new WebhookSender(Duration.ofSeconds(1), Duration.ofMillis(400));
            WebhookTargets.Target target = new WebhookTargets.Target(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    "127.0.0.1", silent.getLocalPort(), false, InetAddress.getLoopbackAddress());
            long start = System.nanoTime();
            WebhookSender.Result r = sender.post(target, Map.of(), "{}".getBytes());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.outcome()).isEqualTo(DeliveryOutcome.TIMEOUT);
            assertThat(ms).isBetween(350L, 2_000L);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static WebhookTargets.Target target(String host, int port) {
        return new WebhookTargets.Target(URI.create("https://" + host + ":" + port + "/hook"), host, port, true, InetAddress.getLoopbackAddress());
    }

    private static SSLSocketFactory trusting(KeyStore keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hook", keys.getCertificate("hook"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return client.getSocketFactory();
    }
}
