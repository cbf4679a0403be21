package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.store.audio.AudioObjectKeys;
import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.store.audio.AudioStoreSettings;
import io.tunetrail.store.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API with {@code audio.store=s3} against a real S3 API (s3proxy on loopback): an upload lands in the bucket under
 * the org's prefix and nowhere on disk, and re-analysing the track reads it back from the bucket.
 */
class AudioS3StoreIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @TempDir
    static Path localRoot;

    private static S3TestServer s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start(Path.of("target", "s3proxy", "AudioS3StoreIT"));
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void anUploadLandsInTheBucketAndReanalysingTheTrackReadsItBackFromThere() throws Exception {
        String org = stack.org("s3-audio", "starter");
        String key = stack.key(org, "read", "write");
        stack.sql().update("add a track", "INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES (?, 't-s3', 'S3', 12000, 50)",
                ps -> ps.setString(1, org));
        AudioSettings defaults = AudioSettings.defaults(localRoot);
        AudioStoreSettings bucket = s3.newBucket(defaults.maxBytes());
        JavalinTest.test(app(defaults.withStore(bucket)), (server, client) -> {
            Http.Answer first = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze?track_id=t-s3")
                    .header("Authorization", "Bearer " + key)
                    .post(RequestBody.create(AudioAnalysisIT.clickTrackWav(120, 12), MediaType.get("audio/wav"))).build());
            assertThat(first.status()).as(first.text()).isEqualTo(200);
            assertThat(s3.anyObjectUnder(bucket.bucket(), AudioObjectKeys.orgPrefix(org))).as("in the bucket under the org's prefix").isTrue();
            try (var files = Files.walk(localRoot)) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("nothing on the local disk").isEmpty();
            }

            Http.Answer again = analyseTrack(client, key);
            assertThat(again.status()).as(again.text()).isEqualTo(200);
            assertThat(again.json().get("analysis_id").asText()).isNotEqualTo(first.json().get("analysis_id").asText());
            assertThat(again.json().get("audio_features").get("tempo").asDouble()).isCloseTo(120.0, within(2.4));

            // Gone from the bucket (the org's audio deleted): the track cannot be analysed again, so it was read from there.
            try (AudioObjectStore objects = bucket.open()) {
                objects.deleteOrg(org);
            }
            assertThat(s3.anyObjectUnder(bucket.bucket(), AudioObjectKeys.orgPrefix(org))).isFalse();
            Http.Answer gone = analyseTrack(client, key);
            assertThat(gone.status()).as(gone.text()).isEqualTo(404);
            assertThat(gone.json().get("code").asText()).isEqualTo("not_found");
        });
    }

    private static Http.Answer analyseTrack(io.javalin.testtools.HttpClient client, String key) {
        return Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/tracks/t-s3/analyze")
                .header("Authorization", "Bearer " + key).post(RequestBody.create(new byte[0])).build());
    }

    private static Javalin app(AudioSettings audio) {
        return ServingApp.create(stack.stores(), stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0,
                WebhookSettings.local(new TestResolver())).withAudio(audio));
    }
}
