package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.api.testing.RawHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * H2: an over-limit body is refused with 413 problem+json without being buffered, whether it declares a Content-Length
 * or arrives chunked (which declares none), and the API keeps serving afterwards.
 */
class BodyLimitIT {
    private static final long MAX_BODY = 1_048_576;
    private static final long STRIPE_MAX = 65_536;
    private static final long FLOOD = 200L * 1024 * 1024;

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String writer;

    @BeforeAll
    static void keys() {
        writer = stack.key(stack.org("bodies", "pro"), "read", "write");
    }

    private static Javalin app() {
        return ServingApp.create(stack.stores(), stack.clock,
                new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, MAX_BODY, 5_000, 0, WebhookSettings.local(new TestResolver()), 10_000, STRIPE_MAX, ""));
    }

    private static void assertTooLarge(RawHttp.Outcome o, long limit) {
        assertThat(o.status()).isEqualTo(413);
        assertThat(o.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(o.json().get("code").asText()).isEqualTo("body_too_large");
        assertThat(o.json().get("detail").asText()).contains(Long.toString(limit));
        assertThat(o.headers().get("connection")).isEqualTo("close");
    }

    @Test
    void aChunkedFloodToStripesWebhookIsRefusedEarlyAndTheApiStaysHealthy() {
        JavalinTest.test(app(), (server, client) -> {
            // 1 MiB, then the client waits with the body unfinished: only a refusal at the limit can answer now.
            RawHttp.Outcome o = RawHttp.chunked(server.port(), "POST /billing/stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\n", 1 << 20, FLOOD);
            assertTooLarge(o, STRIPE_MAX);

            assertThat(get(client, "/health", null).status()).isEqualTo(200);
            assertThat(post(client, "/api/v1/genres", writer, "{\"genre_id\": \"after-flood\", \"name\": \"After\"}").status()).isEqualTo(201);
        });
    }

    @Test
    void aChunkedFloodToAKeyedRouteIsRefusedAtTheDefaultLimit() {
        JavalinTest.test(app(), (server, client) -> {
            RawHttp.Outcome o = RawHttp.chunked(server.port(), "POST /api/v1/genres HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nAuthorization: Bearer " + writer + "\r\n", 2 << 20, FLOOD);
            assertTooLarge(o, MAX_BODY);
            assertThat(post(client, "/api/v1/genres", writer, "{\"genre_id\": \"after-keyed-flood\", \"name\": \"After\"}").status()).isEqualTo(201);
        });
    }

    @Test
    void aChunkedBodyUnderTheLimitIsServed() {
        JavalinTest.test(app(), (server, client) -> {
            String json = "{\"genre_id\": \"chunked\", \"name\": \"Chunked\"}";
            okhttp3.RequestBody streamed = new okhttp3.RequestBody() {
                @Override
                public okhttp3.MediaType contentType() {
                    return okhttp3.MediaType.get("application/json");
                }

                @Override
                public long contentLength() {
                    return -1; // unknown: OkHttp sends it chunked
                }

                @Override
                public void writeTo(okio.BufferedSink sink) throws java.io.IOException {
                    sink.writeUtf8(json);
                }
            };
            var answer = io.tunetrail.api.testing.Http.answer(client, new okhttp3.Request.Builder().url(client.getOrigin() + "/api/v1/genres")
                    .header("Authorization", "Bearer " + writer).post(streamed).build());
            assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            assertThat(answer.json().get("genre_id").asText()).isEqualTo("chunked");
        });
    }

    @Test
    void aDeclaredLengthOverStripesLimitIsRefusedBeforeTheBodyIsRead() {
        JavalinTest.test(app(), (server, client) -> {
            RawHttp.Outcome o = RawHttp.declared(server.port(), "POST /billing/stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: " + (STRIPE_MAX + 1) + "\r\n");
            assertTooLarge(o, STRIPE_MAX);
            assertThat(get(client, "/health", null).status()).isEqualTo(200);
        });
    }
}
