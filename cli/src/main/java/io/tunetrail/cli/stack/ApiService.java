package io.tunetrail.cli.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The serving API in the background ({@code io.tunetrail.api.ApiServerMain} in a JVM of its own, detached like the
 * broker), as the demo starts it. Not part of {@code stack start}: the stack is the servers the platform needs, the
 * API is an app on top. {@code stack stop} stops it with the rest, before the servers it uses.
 */
final class ApiService extends HomeAppService {
    static final String MAIN = "io.tunetrail.api.ApiServerMain";

    ApiService(StackLayout layout, Consumer<String> progress, String classpath) {
        super(layout, progress, classpath, "api");
    }

    @Override
    String mainClass() {
        return MAIN;
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.api(layout.config());
    }

    @Override
    String shownAddress() {
        return "http://" + endpoint();
    }

    @Override
    void checkInstalled() {
        requireOnClasspath(MAIN, "the serving API");
    }

    @Override
    void start(Duration timeout) throws Exception {
        // The child reads the same configuration as this CLI, bound to loopback.
        Map<String, String> env = new HashMap<>(layout.config().asEnv());
        env.put("TUNETRAIL_API_HOST", "127.0.0.1");
        launch(dir(), List.of("-Xms64m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn", marker()), List.of(), env, timeout, () -> "");
    }

    @Override
    boolean answers() {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build().send(
                    HttpRequest.newBuilder(URI.create("http://" + endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
