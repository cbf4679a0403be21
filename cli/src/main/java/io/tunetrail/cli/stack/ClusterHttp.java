package io.tunetrail.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * JSON over HTTP to the local cluster's own status endpoints (the Spark master's {@code /json/}, Flink's REST API),
 * always on loopback. An address that is not loopback is refused before connecting: these calls never leave the machine.
 */
public final class ClusterHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ClusterHttp() {}

    /** The JSON a GET answers with 2xx, or empty when the server is down, slow or answers otherwise. */
    public static Optional<JsonNode> get(String url) {
        return send(HttpRequest.newBuilder(loopback(url)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    /** The JSON a POST of {@code json} answers with 2xx, or empty. */
    public static Optional<JsonNode> post(String url, String json) {
        return send(HttpRequest.newBuilder(loopback(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A PATCH without a body (Flink's job cancellation); the JSON it answers with 2xx (empty JSON: a missing node), or empty. */
    public static Optional<JsonNode> patch(String url) {
        return send(HttpRequest.newBuilder(loopback(url)).timeout(Duration.ofSeconds(10))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    private static Optional<JsonNode> send(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                return Optional.empty();
            }
            return Optional.of(EventCodec.mapper().readTree(r.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static URI loopback(String url) {
        URI uri = URI.create(url);
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            throw new IllegalArgumentException("the local cluster's endpoints are on loopback only, not " + uri.getHost());
        }
        return uri;
    }
}
