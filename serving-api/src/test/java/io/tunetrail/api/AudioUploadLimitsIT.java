package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.http.AudioUploads;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.RawHttp;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.store.online.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audio route's body limit is the audio upload limit, not the JSON routes': uploads larger than
 * {@code api.max-body-bytes} are served, and a chunked body past the audio limit (raw or multipart) is refused with 413
 * while the client still has most of it to send, and is not counted.
 */
class AudioUploadLimitsIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @TempDir
    static Path audioRoot;

    private static final long JSON_MAX = 1 << 20;
    private static final long AUDIO_MAX = 3L << 20;
    private static final long FLOOD = 200L << 20;

    @Test
    void aChunkedUploadLargerThanTheJsonLimitIsAnalysed() {
        String org = stack.org("big", "starter");
        String key = stack.key(org, "read", "write");
        byte[] wav = io.tunetrail.api.testing.AudioFixtures.clickTrackWav(120, 50); // about 2.2 MB: over the JSON limit, under the audio one
        assertThat((long) wav.length).isGreaterThan(JSON_MAX).isLessThan(AUDIO_MAX);
        JavalinTest.test(app(), (server, client) -> {
            Http.Answer raw = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze")
                    .header("Authorization", "Bearer " + key).post(chunked(wav, "audio/wav")).build());
            assertThat(raw.status()).as(raw.text()).isEqualTo(200);
            RequestBody form = new MultipartBody.Builder().setType(MultipartBody.FORM)
                    .addFormDataPart("file", "clicks.wav", chunked(wav, "audio/wav")).build();
            Http.Answer multipart = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze")
                    .header("Authorization", "Bearer " + key).post(chunked(form)).build());
            assertThat(multipart.status()).as(multipart.text()).isEqualTo(200);
            assertThat(used(org)).isEqualTo(2);
        });
    }

    @Test
    void aChunkedRawFloodIsRefusedAtTheAudioLimitBeforeTheRestIsSent() {
        String org = stack.org("flood", "starter");
        String key = stack.key(org, "read", "write");
        JavalinTest.test(app(), (server, client) -> {
            // 4 MiB, then the client waits with the body unfinished: only a refusal at the limit can answer now.
            RawHttp.Outcome o = RawHttp.chunked(server.port(), "POST /api/v1/audio/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: audio/wav\r\nAuthorization: Bearer " + key + "\r\n", 4L << 20, FLOOD);
            assertTooLarge(o);
            assertThat(used(org)).as("a refused upload is not counted").isZero();
            assertThat(Http.get(client, "/health", null).status()).isEqualTo(200);
        });
    }

    @Test
    void aChunkedMultipartFloodIsRefusedAtTheAudioLimitBeforeTheRestIsSent() {
        String org = stack.org("mflood", "starter");
        String key = stack.key(org, "read", "write");
        String boundary = "tt-boundary-1";
        byte[] partHead = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        JavalinTest.test(app(), (server, client) -> {
            RawHttp.Outcome o = RawHttp.chunked(server.port(), "POST /api/v1/audio/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nAuthorization: Bearer " + key + "\r\n", partHead,
                    4L << 20, FLOOD);
            assertTooLarge(o);
            assertThat(used(org)).as("a refused upload is not counted").isZero();
        });
    }

    @Test
    void aDeclaredLengthOverTheAudioLimitIsRefusedBeforeTheBodyIsRead() {
        String org = stack.org("declared", "starter");
        String key = stack.key(org, "read", "write");
        JavalinTest.test(app(), (server, client) -> {
            RawHttp.Outcome o = RawHttp.declared(server.port(), "POST /api/v1/audio/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: audio/wav\r\nAuthorization: Bearer " + key + "\r\nContent-Length: " + (AUDIO_MAX
                    + AudioUploads.MULTIPART_ENVELOPE_BYTES + 1) + "\r\n");
            assertThat(o.status()).isEqualTo(413);
            assertThat(o.json().get("code").asText()).isEqualTo("audio_too_large");
            assertThat(used(org)).isZero();
        });
    }

    private static void assertTooLarge(RawHttp.Outcome o) {
        assertThat(o.status()).isEqualTo(413);
        assertThat(o.headers().get("content-type")).startsWith("application/problem+json");
        // The same code whichever check caught it: the file's limit in the handler or the body's in the filter.
        assertThat(o.json().get("code").asText()).isEqualTo("audio_too_large");
        assertThat(o.json().get("detail").asText()).containsAnyOf(Long.toString(AUDIO_MAX),
                Long.toString(AUDIO_MAX + AudioUploads.MULTIPART_ENVELOPE_BYTES));
        // Answered at all proves it: RawHttp sends no more of the body until it has read the answer.
        assertThat(o.headers().get("connection")).isEqualTo("close");
    }

    private static Javalin app() {
        AudioSettings audio = AudioSettings.defaults(audioRoot).withLimits(AUDIO_MAX, 600);
        return ServingApp.create(stack.stores(), stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, JSON_MAX, 5_000, 0,
                WebhookSettings.local(new TestResolver())).withAudio(audio));
    }

    private static long used(String org) {
        String v = stack.stores().jedis().get(RedisKeys.usageDay(org, "audio_analysis", LocalDate.ofInstant(stack.clock.instant(), ZoneOffset.UTC)));
        return v == null ? 0 : Long.parseLong(v);
    }

    private static RequestBody chunked(byte[] bytes, String type) {
        return chunked(RequestBody.create(bytes, MediaType.get(type)));
    }

    /** The same body with its length hidden, which OkHttp then sends chunked. */
    private static RequestBody chunked(RequestBody inner) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return inner.contentType();
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws java.io.IOException {
                inner.writeTo(sink);
            }
        };
    }
}
