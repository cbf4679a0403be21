package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.AudioFixtures;
import io.tunetrail.api.testing.Http;
import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.store.online.RedisOnlineStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/v1/audio/analyze and the analysis lookups over the real stack and the real analyser, on a click track made
 * here: the answer, the quota (counted once per analysed file, refusals given back), plan gating, every refusal with
 * its status and code, org isolation and the bounded pool.
 */
class AudioAnalysisIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @TempDir
    static Path audioRoot;

    private static final byte[] CLICKS_120 = clickTrackWav(120, 12);

    @Test
    void aRawWavClickTrackIsAnalysedWithItsTempoStoredAndCountedOnce() throws Exception {
        String org = stack.org("raw", "starter");
        String key = stack.key(org, "read", "write");
        JavalinTest.test(app(settings()), (server, client) -> {
            Http.Answer a = upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120);
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            var features = a.json().get("audio_features");
            assertThat(features.get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
            assertThat(features.get("duration_ms").asLong()).isCloseTo(12_000L, within(50L));
            for (String field : new String[] {"key", "mode", "time_signature", "loudness", "energy", "danceability", "valence",
                    "acousticness", "instrumentalness", "liveness", "speechiness"}) {
                assertThat(features.has(field)).as(field).isTrue();
            }
            assertThat(a.json().get("embedding").get("dimension").asInt()).isEqualTo(512);
            String id = a.json().get("analysis_id").asText();
            assertThat(a.json().get("analysis_url").asText()).isEqualTo("/api/v1/audio/analyses/" + id);
            assertThat(used(org)).isEqualTo(1);

            Http.Answer doc = Http.get(client, a.json().get("analysis_url").asText(), key);
            assertThat(doc.status()).isEqualTo(200);
            assertThat(doc.json().get("analyser_version").asText()).isEqualTo(AudioAnalyser.VERSION);
            assertThat(doc.json().get("beats").size()).as("about 24 beats in 12 s at 120 BPM").isBetween(20, 26);
            assertThat(doc.json().get("track").get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
            try (var files = Files.walk(audioRoot)) {
                assertThat(files.filter(p -> p.getFileName().toString().equals(id + ".wav")).toList()).as("the upload is kept").hasSize(1);
            }
        });
    }

    @Test
    void aMultipartUploadAttachesToTheOrgsTrackWhoseFeaturesThenComeFromTheAnalysis() {
        String org = stack.org("multi", "pro");
        String key = stack.key(org, "read", "write");
        track(org, "t-1");
        JavalinTest.test(app(settings()), (server, client) -> {
            assertThat(Http.get(client, "/api/v1/tracks/t-1/audio-analysis", key).status()).as("nothing analysed yet").isEqualTo(404);
            RequestBody form = new MultipartBody.Builder().setType(MultipartBody.FORM).addFormDataPart("track_id", "t-1")
                    .addFormDataPart("file", "clicks.wav", RequestBody.create(CLICKS_120, MediaType.get("audio/wav"))).build();
            Http.Answer a = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze")
                    .header("Authorization", "Bearer " + key).post(form).build());
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            String id = a.json().get("analysis_id").asText();

            Http.Answer byTrack = Http.get(client, "/api/v1/tracks/t-1/audio-analysis", key);
            assertThat(byTrack.status()).isEqualTo(200);
            assertThat(byTrack.json().get("analysis_id").asText()).isEqualTo(id);
            assertThat(byTrack.json().get("track_id").asText()).isEqualTo("t-1");
            Http.Answer features = Http.get(client, "/api/v1/tracks/t-1/audio-features", key);
            assertThat(features.status()).isEqualTo(200);
            assertThat(features.json().get("source").asText()).isEqualTo("audio_analysis");
            assertThat(features.json().get("analysis_id").asText()).isEqualTo(id);
            assertThat(features.json().get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
        });
    }

    @Test
    void theQuotaCountsAnalysedFilesAndRefusesAtTheLimit() {
        String org = stack.org("quota", "starter");
        String key = stack.key(org, "read", "write");
        new RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "audio_analysis", 99, stack.clock.instant());
        JavalinTest.test(app(settings()), (server, client) -> {
            assertThat(upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120).status()).as("the 100th of the day").isEqualTo(200);
            assertThat(used(org)).isEqualTo(100);
            Http.Answer refused = upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("resource").asText()).isEqualTo("audio_analysis");
            assertThat(refused.json().get("limit").asLong()).isEqualTo(100);
            assertThat(used(org)).isEqualTo(100);
        });
    }

    @Test
    void aPlanWithoutAudioAnalysisGets402AndNothingIsCounted() {
        String org = stack.org("free", "free");
        String key = stack.key(org, "read", "write");
        JavalinTest.test(app(settings()), (server, client) -> {
            Http.Answer refused = upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120);
            assertThat(refused.status()).isEqualTo(402);
            assertThat(used(org)).isZero();
        });
    }

    @Test
    void everyBadUploadGetsItsStatusAndCodeAndIsNotCounted() {
        String org = stack.org("bad", "starter");
        String key = stack.key(org, "read", "write");
        byte[] noise = new byte[4096];
        new java.util.Random(3).nextBytes(noise);
        byte[] truncated = Arrays.copyOf(CLICKS_120, CLICKS_120.length / 2);
        JavalinTest.test(app(settings().withLimits(400_000, 10)), (server, client) -> {
            expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", new byte[0]), 400, "empty_audio");
            expect(upload(client, "/api/v1/audio/analyze", key, "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media");
            expect(upload(client, "/api/v1/audio/analyze", key, "application/octet-stream", noise), 415, "unsupported_media");
            Http.Answer cut = expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", truncated), 422, "undecodable_audio");
            assertThat(cut.json().get("detail").asText()).contains("truncated");
            expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120), 413, "audio_too_large");
            // Under the byte limit but over 10 s: refused while decoding.
            byte[] long11s = clickTrackWav(120, 11);
            JavalinTest.test(app(settings().withLimits(10_000_000, 10)), (s2, c2) ->
                    expect(upload(c2, "/api/v1/audio/analyze", key, "audio/wav", long11s), 413, "audio_too_large"));
            expect(upload(client, "/api/v1/audio/analyze?track_id=bad%20id", key, "audio/wav", clickTrackWav(120, 2)), 400, "invalid_field");
            assertThat(used(org)).as("refused uploads give their unit back").isZero();
        });
    }

    @Test
    void onlyTheAnalysedFileReachesTheUsageLedgerRefusedOnesPublishNoUsageEvent() {
        String org = stack.org("ledger", "starter");
        String key = stack.key(org, "read", "write");
        byte[] truncated = Arrays.copyOf(CLICKS_120, CLICKS_120.length / 2);
        JavalinTest.test(app(settings()), (server, client) -> {
            expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", new byte[0]), 400, "empty_audio");
            expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", truncated), 422, "undecodable_audio");
            expect(upload(client, "/api/v1/audio/analyze?track_id=no-such-track", key, "audio/wav", CLICKS_120), 404, "not_found");
            Http.Answer analysed = upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120);
            assertThat(analysed.status()).isEqualTo(200);
            // The usage topic is what the ledger (usage_daily, usage_ledger) is summed from: one event, the analysed file's.
            var events = stack.usageEvents(org, 1);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).resource()).isEqualTo("audio_analysis");
            assertThat(events.get(0).units()).isEqualTo(1);
            assertThat(events.get(0).requestId()).isEqualTo(analysed.header("X-Request-Id"));
            assertThat(used(org)).isEqualTo(1);
        });
    }

    @Test
    void aTrackIsAnalysedAgainFromItsStoredAudioCountedOnceAndOnlyForItsOwnOrg() throws Exception {
        String org = stack.org("again", "starter");
        String other = stack.org("again-other", "starter");
        String key = stack.key(org, "read", "write");
        String otherKey = stack.key(other, "read", "write");
        track(org, "t-again");
        track(org, "t-silent");
        JavalinTest.test(app(settings()), (server, client) -> {
            Http.Answer first = upload(client, "/api/v1/audio/analyze?track_id=t-again", key, "audio/wav", CLICKS_120);
            assertThat(first.status()).isEqualTo(200);
            Http.Answer again = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/tracks/t-again/analyze")
                    .header("Authorization", "Bearer " + key).post(RequestBody.create(new byte[0])).build());
            assertThat(again.status()).as(again.text()).isEqualTo(200);
            String id = again.json().get("analysis_id").asText();
            assertThat(id).isNotEqualTo(first.json().get("analysis_id").asText());
            assertThat(again.json().get("audio_features").get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
            assertThat(Http.get(client, "/api/v1/tracks/t-again/audio-analysis", key).json().get("analysis_id").asText()).isEqualTo(id);
            try (var files = Files.walk(audioRoot)) {
                assertThat(files.filter(p -> p.getFileName().toString().startsWith(id)).toList()).as("the stored audio is not copied").isEmpty();
            }
            assertThat(used(org)).isEqualTo(2);

            Http.Answer none = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/tracks/t-silent/analyze")
                    .header("Authorization", "Bearer " + key).post(RequestBody.create(new byte[0])).build());
            expect(none, 404, "not_found");
            assertThat(none.json().get("detail").asText()).contains("no stored audio");
            Http.Answer theirs = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/tracks/t-again/analyze")
                    .header("Authorization", "Bearer " + otherKey).post(RequestBody.create(new byte[0])).build());
            expect(theirs, 404, "not_found");
            assertThat(used(org)).as("refusals give their unit back").isEqualTo(2);
            assertThat(used(other)).isZero();
        });
    }

    @Test
    void similarByAudioAnswersFromSignalEmbeddingsOfTheOrgsOwnTracksAndSaysSo() {
        String org = stack.org("alike", "starter");
        String other = stack.org("alike-other", "starter");
        String key = stack.key(org, "read", "write");
        String otherKey = stack.key(other, "read", "write");
        for (String t : new String[] {"t-a", "t-b", "t-c", "t-none"}) {
            track(org, t);
        }
        track(other, "t-theirs");
        JavalinTest.test(app(settings()), (server, client) -> {
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=t-a", key, "audio/wav", CLICKS_120).status()).isEqualTo(200);
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=t-b", key, "audio/wav", CLICKS_120).status()).isEqualTo(200);
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=t-c", key, "audio/wav", clickTrackWav(75, 12)).status()).isEqualTo(200);
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=t-theirs", otherKey, "audio/wav", CLICKS_120).status()).isEqualTo(200);

            Http.Answer alike = Http.get(client, "/api/v1/tracks/similar-by-audio/t-a", key);
            assertThat(alike.status()).as(alike.text()).isEqualTo(200);
            assertThat(alike.json().get("embedding").asText()).isEqualTo("signal");
            assertThat(alike.json().get("model").asText()).isNotBlank();
            var matches = alike.json().get("matches");
            assertThat(matches).hasSize(2);
            assertThat(matches.get(0).get("track_id").asText()).as("the same audio first").isEqualTo("t-b");
            assertThat(matches.get(0).get("similarity").asDouble()).isGreaterThan(0.999);
            assertThat(matches.get(1).get("track_id").asText()).isEqualTo("t-c");
            assertThat(matches.get(1).get("similarity").asDouble()).isLessThan(matches.get(0).get("similarity").asDouble());

            Http.Answer fallback = Http.get(client, "/api/v1/tracks/similar-by-audio/t-none", key);
            assertThat(fallback.status()).isEqualTo(200);
            assertThat(fallback.json().get("embedding").asText()).isEqualTo("catalog_features");
            expect(Http.get(client, "/api/v1/tracks/similar-by-audio/t-theirs", key), 404, "not_found");
        });
    }

    @Test
    void theSimilarityMatrixComparesTracksWithinOneEmbeddingSpaceForProOnly() {
        String org = stack.org("matrix", "pro");
        String key = stack.key(org, "read", "write");
        String starterKey = stack.key(stack.org("matrix-starter", "starter"), "read");
        for (String t : new String[] {"m-a", "m-b", "m-c", "m-none"}) {
            track(org, t);
        }
        JavalinTest.test(app(settings()), (server, client) -> {
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=m-a", key, "audio/wav", CLICKS_120).status()).isEqualTo(200);
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=m-b", key, "audio/wav", CLICKS_120).status()).isEqualTo(200);
            assertThat(upload(client, "/api/v1/audio/analyze?track_id=m-c", key, "audio/wav", clickTrackWav(75, 12)).status()).isEqualTo(200);

            Http.Answer m = Http.get(client, "/api/v1/ml/tracks/similarity-matrix?ids=m-a,m-b,m-c,m-none", key);
            assertThat(m.status()).as(m.text()).isEqualTo(200);
            assertThat(m.json().get("embeddings").get("m-a").asText()).isEqualTo("signal");
            assertThat(m.json().get("embeddings").get("m-none").isNull()).isTrue();
            var rows = m.json().get("matrix");
            assertThat(rows).hasSize(4);
            assertThat(rows.get(0).get(0).asDouble()).isCloseTo(1.0, within(1e-6));
            assertThat(rows.get(0).get(1).asDouble()).as("the same audio").isGreaterThan(0.999);
            assertThat(rows.get(0).get(2).asDouble()).isLessThan(rows.get(0).get(1).asDouble());
            assertThat(rows.get(2).get(0).asDouble()).as("symmetric").isCloseTo(rows.get(0).get(2).asDouble(), within(1e-9));
            assertThat(rows.get(0).get(3).isNull()).as("no embedding, no similarity").isTrue();
            assertThat(rows.get(3).get(3).isNull()).isTrue();

            String tooMany = String.join(",", java.util.stream.IntStream.range(0, 51).mapToObj(i -> "x" + i).toList());
            Http.Answer refused = expect(Http.get(client, "/api/v1/ml/tracks/similarity-matrix?ids=" + tooMany, key), 400, "invalid_field");
            assertThat(refused.json().get("field").asText()).isEqualTo("ids");
            expect(Http.get(client, "/api/v1/ml/tracks/similarity-matrix?ids=m-a,not-mine", key), 404, "not_found");
            assertThat(Http.get(client, "/api/v1/ml/tracks/similarity-matrix?ids=m-a,m-b", starterKey).status()).isEqualTo(402);
        });
    }

    @Test
    void anotherOrgsTrackAndAnalysisAreNotFound() {
        String mine = stack.org("mine", "starter");
        String theirs = stack.org("theirs", "starter");
        String myKey = stack.key(mine, "read", "write");
        String theirKey = stack.key(theirs, "read", "write");
        track(theirs, "their-track");
        JavalinTest.test(app(settings()), (server, client) -> {
            expect(upload(client, "/api/v1/audio/analyze?track_id=their-track", myKey, "audio/wav", CLICKS_120), 404, "not_found");
            assertThat(used(mine)).as("a refused upload is not counted").isZero();
            Http.Answer theirAnalysis = upload(client, "/api/v1/audio/analyze?track_id=their-track", theirKey, "audio/wav", CLICKS_120);
            assertThat(theirAnalysis.status()).isEqualTo(200);
            String id = theirAnalysis.json().get("analysis_id").asText();
            expect(Http.get(client, "/api/v1/audio/analyses/" + id, myKey), 404, "not_found");
            expect(Http.get(client, "/api/v1/tracks/their-track/audio-analysis", myKey), 404, "not_found");
            assertThat(Http.get(client, "/api/v1/audio/analyses/" + id, theirKey).status()).isEqualTo(200);
        });
    }

    @Test
    void aFullPoolAnswers503WithRetryAfterAndDoesNotCount() throws Exception {
        String org = stack.org("pool", "starter");
        String key = stack.key(org, "read", "write");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AudioAnalyser real = new AudioAnalyser();
        AudioSettings blocking = settings().withPool(1, 0).withAnalyser((bytes, limits) -> {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.analyse(bytes, limits);
        });
        JavalinTest.test(app(blocking), (server, client) -> {
            CompletableFuture<Http.Answer> first = CompletableFuture.supplyAsync(
                    () -> upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120));
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("the first upload holds the only thread").isTrue();
            Http.Answer busy = expect(upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120), 503, "analysis_busy");
            assertThat(Long.parseLong(busy.header("Retry-After"))).isPositive();
            release.countDown();
            assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(used(org)).as("only the analysed file").isEqualTo(1);
        });
    }

    @Test
    void anAnalysisOutlivingTheWaitAnswers202AndIsThereWhenDone() throws Exception {
        String org = stack.org("slow", "starter");
        String key = stack.key(org, "read", "write");
        CountDownLatch release = new CountDownLatch(1);
        AudioAnalyser real = new AudioAnalyser();
        AudioSettings slow = settings().withSyncMillis(200).withAnalyser((bytes, limits) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.analyse(bytes, limits);
        });
        JavalinTest.test(app(slow), (server, client) -> {
            Http.Answer accepted = upload(client, "/api/v1/audio/analyze", key, "audio/wav", CLICKS_120);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.json().get("status").asText()).isEqualTo("pending");
            String url = accepted.json().get("analysis_url").asText();
            assertThat(Http.get(client, url, key).status()).isEqualTo(202);
            release.countDown();
            Http.Answer done = null;
            for (int i = 0; i < 100; i++) {
                done = Http.get(client, url, key);
                if (done.status() == 200) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().get("track").get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
            assertThat(used(org)).isEqualTo(1);
        });
    }

    private static Http.Answer expect(Http.Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("code").asText()).isEqualTo(code);
        return answer;
    }

    private static Http.Answer upload(io.javalin.testtools.HttpClient client, String path, String key, String type, byte[] body) {
        return Http.answer(client, new Request.Builder().url(client.getOrigin() + path).header("Authorization", "Bearer " + key)
                .post(RequestBody.create(body, MediaType.get(type))).build());
    }

    private static AudioSettings settings() {
        return AudioSettings.defaults(audioRoot);
    }

    private static Javalin app(AudioSettings audio) {
        return AudioFixtures.app(stack, audio);
    }

    private static long used(String org) {
        return AudioFixtures.audioUsedToday(stack, org);
    }

    private static void track(String org, String trackId) {
        AudioFixtures.track(stack, org, trackId);
    }

    static byte[] clickTrackWav(double bpm, double seconds) {
        return AudioFixtures.clickTrackWav(bpm, seconds);
    }
}
