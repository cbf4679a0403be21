package io.tunetrail.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.tunetrail.api.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Terse requests for ITs: a method, a path, a key, maybe a body; the answer's status, headers and JSON. Every answer is
 * checked against the API's OpenAPI document ({@link ApiContract}).
 */
public final class Http {
    public record Answer(int status, String contentType, JsonNode json, String text, Response response) {
        public String header(String name) {
            return response.header(name);
        }
    }

    private static final MediaType JSON = MediaType.get("application/json");

    private Http() {}

    /** Asserts a problem+json answer with this status and code, and {@code field} when it is not null. */
    public static void assertProblem(Answer a, int status, String code, String field) {
        org.assertj.core.api.Assertions.assertThat(a.status()).as(a.text()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(a.contentType()).startsWith("application/problem+json");
        org.assertj.core.api.Assertions.assertThat(a.json().get("code").asText()).isEqualTo(code);
        if (field != null) {
            org.assertj.core.api.Assertions.assertThat(a.json().get("field").asText()).isEqualTo(field);
        }
    }

    /** The track ids of a recommendation answer's {@code items}, in order. */
    public static java.util.List<String> trackIds(JsonNode answer) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        answer.get("items").forEach(i -> ids.add(i.get("track_id").asText()));
        return ids;
    }

    public static Answer get(HttpClient client, String path, String key) {
        return call(client, "GET", path, key, null);
    }

    public static Answer post(HttpClient client, String path, String key, String body) {
        return call(client, "POST", path, key, body);
    }

    public static Answer call(HttpClient client, String method, String path, String key, String body) {
        Request.Builder b = new Request.Builder().url(client.getOrigin() + path);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        RequestBody rb = body == null ? (method.equals("POST") || method.equals("PUT") ? RequestBody.create(new byte[0], JSON) : null)
                : RequestBody.create(body, JSON);
        b.method(method, rb);
        return answer(client, b.build());
    }

    public static Answer answer(HttpClient client, Request request) {
        try (Response r = client.getOkHttp().newCall(request).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            ApiContract.of(client.getOkHttp(), client.getOrigin()).require(request.method(), request.url().encodedPath(), r.code(),
                    r.header("Content-Type"), text);
            JsonNode json = null;
            if (!text.isEmpty() && (text.startsWith("{") || text.startsWith("["))) {
                json = Json.mapper().readTree(text);
            }
            return new Answer(r.code(), r.header("Content-Type"), json, text, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a webhook for {@code webhook.test} at {@code url} (which must be accepted); returns its id. */
    public static String registerWebhook(HttpClient client, String key, String url) {
        Answer created = post(client, "/api/v1/webhooks", key, "{\"url\": \"" + url + "\", \"events\": [\"webhook.test\"]}");
        if (created.status() != 201) {
            throw new AssertionError("registering " + url + " answered " + created.status() + ": " + created.text());
        }
        return created.json().get("webhook").get("webhook_id").asText();
    }
}
