package io.tunetrail.api.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** The probe's HTTP: one org's key against one API base URL, JSON in and out. */
final class ProbeHttp {
    /** An answer: its status and, for a problem document, its code (else null). */
    record Answer(int status, String code, String body) {}

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String key;

    ProbeHttp(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    String nonce() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    Answer call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String code = null;
            if (r.body().startsWith("{")) {
                JsonNode json = Json.mapper().readTree(r.body());
                code = json.hasNonNull("code") ? json.get("code").asText() : null;
            }
            return new Answer(r.statusCode(), code, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** A call that must succeed (the victim making its own objects); its JSON answer. */
    JsonNode create(String method, String path, String body) {
        Answer a = call(method, path, body);
        if (a.status() / 100 != 2) {
            throw new IllegalStateException("the probe could not set up " + method + " " + path + ": " + a.status() + " " + a.body());
        }
        return json(a.body());
    }

    /** A POST of raw bytes of {@code type} that must succeed (an audio upload); its JSON answer. */
    JsonNode upload(String path, byte[] body, String type) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("the probe could not set up POST " + path + ": " + r.statusCode() + " " + r.body());
            }
            return json(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + path, e);
        }
    }

    /** A read that must succeed; its JSON answer. */
    JsonNode read(String path) {
        return create("GET", path, null);
    }

    private static JsonNode json(String body) {
        try {
            return Json.mapper().readTree(body.isEmpty() ? "null" : body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
