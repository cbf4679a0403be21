package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audio.AudioJobStore;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.store.audio.LocalAudioObjectStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.AudioFixtures;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.RawHttp;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.online.RedisOnlineStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/v1/audio/batch-analyze and the job routes over the real stack and the real analyser: per-file statuses
 * (analysed, refused, skipped_quota), the quota counted once per analysed file, the body bound, plan gating, org
 * isolation, and a job that outlives the API instance that started it.
 */
class AudioBatchJobsIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @TempDir
    static Path audioRoot;

    private static final byte[] CLICKS_120 = AudioFixtures.clickTrackWav(120, 6);
    private static final byte[] CLICKS_90 = AudioFixtures.clickTrackWav(90, 6);
    private static final byte[] CLICKS_150 = AudioFixtures.clickTrackWav(150, 6);
    private static final byte[] TRUNCATED = Arrays.copyOf(AudioFixtures.clickTrackWav(120, 6), 20_000);

    @Test
    void aBatchOfKeysAnalysesTheGoodFilesRefusesTheCorruptAndTheForeignOneAndCountsThreeUnits() {
        String org = stack.org("batch", "starter");
        String other = stack.org("batch-other", "starter");
        String key = stack.key(org, "read", "write");
        track(org, "b-1");
        LocalAudioObjectStore objects = new LocalAudioObjectStore(audioRoot, Long.MAX_VALUE);
        List<String> keys = List.of(objects.put(org, "a.wav", CLICKS_120), objects.put(org, "b.wav", CLICKS_90),
                objects.put(org, "c.wav", CLICKS_150), objects.put(org, "cut.wav", TRUNCATED), objects.put(other, "theirs.wav", CLICKS_120));
        JavalinTest.test(app(settings()), (server, client) -> {
            String body = "{\"files\": [{\"key\": \"" + keys.get(0) + "\", \"track_id\": \"b-1\"}, {\"key\": \"" + keys.get(1) + "\"}, "
                    + "{\"key\": \"" + keys.get(2) + "\"}, {\"key\": \"" + keys.get(3) + "\"}, {\"key\": \"" + keys.get(4) + "\"}]}";
            Http.Answer accepted = Http.post(client, "/api/v1/audio/batch-analyze", key, body);
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            String url = accepted.json().get("status_url").asText();
            assertThat(url).isEqualTo("/api/v1/audio/jobs/" + accepted.json().get("job_id").asText());

            JsonNode job = completed(client, url, key);
            JsonNode files = job.get("files");
            assertThat(statuses(files)).containsExactly("analysed", "analysed", "analysed", "refused", "refused");
            assertThat(files.get(3).get("error").get("code").asText()).isEqualTo("undecodable_audio");
            assertThat(files.get(4).get("error").get("code").asText()).isEqualTo("foreign_object_key");
            assertThat(job.get("counts").get("analysed").asInt()).isEqualTo(3);
            assertThat(job.get("counts").get("refused").asInt()).isEqualTo(2);

            Http.Answer first = Http.get(client, files.get(0).get("analysis_url").asText(), key);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.json().get("track_id").asText()).isEqualTo("b-1");
            assertThat(first.json().get("audio_features").get("tempo").asDouble()).isCloseTo(120.0, within(2.4));
            assertThat(Http.get(client, "/api/v1/tracks/b-1/audio-analysis", key).json().get("analysis_id").asText())
                    .isEqualTo(files.get(0).get("analysis_id").asText());

            assertThat(used(org)).as("one unit per analysed file; refusals given back").isEqualTo(3);
            assertThat(used(other)).isZero();
            List<UsageEvent> analysed = audioUsage(org);
            assertThat(analysed).as("exactly one usage event per analysed file").hasSize(3);
            assertThat(analysed.stream().map(UsageEvent::requestId).distinct()).hasSize(3);

            // Each file the analyser read costs its measured CPU time; the foreign key was never read.
            String jobId = accepted.json().get("job_id").asText();
            Map<String, Cost> costs = costs(org);
            assertThat(costs.keySet()).containsExactlyInAnyOrder(jobId + "/0", jobId + "/1", jobId + "/2", jobId + "/3");
            for (int i = 0; i < 3; i++) {
                Cost c = costs.get(jobId + "/" + i);
                assertThat(c.cpuSeconds()).as("file %d", i).isGreaterThan(0).isLessThan(60);
                assertThat(c.usd()).as("file %d", i).isGreaterThan(0);
                assertThat(c.outcome() + "/" + c.source()).isEqualTo("analysed/batch");
            }
            assertThat(costs.get(jobId + "/3").outcome()).isEqualTo("refused");
            assertThat(costs(other)).isEmpty();
        });
    }

    @Test
    void everyUploadRecordsItsAnalysisCpuTimeAndTheMetricsShowQueuedBatchFiles() {
        String org = stack.org("batch-costs", "pro");
        String key = stack.key(org, "read", "write");
        // Files another instance holds (lease far ahead): queued, and no dispatcher of this database takes them.
        String held = "ajob_held_" + org.replaceAll("[^a-z0-9]", "");
        stack.sql().update("a held job", "INSERT INTO audio_jobs (org_id, job_id, key_id, source, file_count) VALUES (?, ?, 'key_held', 'keys', 3)", ps -> {
            ps.setString(1, org);
            ps.setString(2, held);
        });
        for (int i = 0; i < 3; i++) {
            int position = i;
            stack.sql().update("a held file", "INSERT INTO audio_job_files (org_id, job_id, position, object_key, analysis_id, claim, "
                    + "lease_until) VALUES (?, ?, ?, 'k', ?, 'elsewhere', now() + interval '1 hour')", ps -> {
                        ps.setString(1, org);
                        ps.setString(2, held);
                        ps.setInt(3, position);
                        ps.setString(4, "aud_held_" + position);
                    });
        }
        String token = "audio-metrics-token";
        Javalin app = io.tunetrail.api.ServingApp.create(stack.stores(), stack.clock, new io.tunetrail.api.ApiSettings(stack.plans,
                ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0, io.tunetrail.api.webhook.WebhookSettings.local(new TestResolver()), 10_000,
                65_536, token).withAudio(settings()));
        JavalinTest.test(app, (server, client) -> {
            Http.Answer ok = upload(client, key, CLICKS_120);
            assertThat(ok.status()).as(ok.text()).isEqualTo(200);
            Http.assertProblem(upload(client, key, TRUNCATED), 422, "undecodable_audio", null);
            Map<String, Cost> costs = costs(org);
            Cost analysed = costs.get(ok.json().get("analysis_id").asText());
            assertThat(analysed).as(costs.toString()).isNotNull();
            assertThat(analysed.cpuSeconds()).isGreaterThan(0).isLessThan(60);
            assertThat(analysed.outcome() + "/" + analysed.source()).isEqualTo("analysed/analyze");
            assertThat(costs.values()).as("the refused upload's CPU time too").hasSize(2)
                    .anyMatch(c -> c.outcome().equals("refused") && c.cpuSeconds() > 0);

            String scrape = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/metrics")
                    .header("Authorization", "Bearer " + token).build()).text();
            assertThat(gauge(scrape, "tunetrail_audio_batch_files_queued")).as(scrape).isGreaterThanOrEqualTo(3);
            assertThat(gauge(scrape, "tunetrail_audio_batch_files_running")).isGreaterThanOrEqualTo(0);
        });
        stack.sql().update("drop the held job", "DELETE FROM audio_jobs WHERE org_id = ? AND job_id = ?", ps -> {
            ps.setString(1, org);
            ps.setString(2, held);
        });
    }

    private static Http.Answer upload(io.javalin.testtools.HttpClient client, String key, byte[] wav) {
        return Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze").header("Authorization", "Bearer " + key)
                .post(RequestBody.create(wav, MediaType.get("audio/wav"))).build());
    }

    private static double gauge(String scrape, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(name + " in the scrape").isTrue();
        return Double.parseDouble(m.group(2));
    }

    private record Cost(double cpuSeconds, double usd, String outcome, String source) {}

    /** The org's audio_analysis rows of usage_costs, by job id. */
    private static Map<String, Cost> costs(String org) {
        Map<String, Cost> out = new java.util.TreeMap<>();
        stack.sql().list("read audio costs", "SELECT job_id, cpu_seconds, usd, details->>'outcome', details->>'source' FROM usage_costs "
                + "WHERE org_id = ? AND kind = 'audio_analysis'", ps -> ps.setString(1, org), rs -> out.put(rs.getString(1),
                        new Cost(rs.getDouble(2), rs.getDouble(3), rs.getString(4), rs.getString(5))));
        return out;
    }

    @Test
    void multipartFilesAreKeptAnalysedAndAttachedToTheTrackFieldThatFollowsThem() {
        String org = stack.org("batch-multi", "pro");
        String key = stack.key(org, "read", "write");
        track(org, "m-2");
        JavalinTest.test(app(settings()), (server, client) -> {
            RequestBody form = new MultipartBody.Builder().setType(MultipartBody.FORM)
                    .addFormDataPart("file", "one.wav", RequestBody.create(CLICKS_120, MediaType.get("audio/wav")))
                    .addFormDataPart("file", "two.wav", RequestBody.create(CLICKS_90, MediaType.get("audio/wav")))
                    .addFormDataPart("track_id", "m-2").build();
            Http.Answer accepted = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/batch-analyze")
                    .header("Authorization", "Bearer " + key).post(form).build());
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            JsonNode files = completed(client, accepted.json().get("status_url").asText(), key).get("files");
            assertThat(statuses(files)).containsExactly("analysed", "analysed");
            assertThat(files.get(0).get("file_name").asText()).isEqualTo("one.wav");
            assertThat(files.get(0).get("track_id").isNull()).isTrue();
            assertThat(files.get(1).get("track_id").asText()).isEqualTo("m-2");
            Http.Answer features = Http.get(client, "/api/v1/tracks/m-2/audio-features", key);
            assertThat(features.json().get("source").asText()).isEqualTo("audio_analysis");
            assertThat(features.json().get("tempo").asDouble()).isCloseTo(90.0, within(1.8));
            assertThat(used(org)).isEqualTo(2);
        });
    }

    @Test
    void whenTheQuotaRunsOutTheRestOfTheJobIsSkippedAndNotCounted() {
        String org = stack.org("batch-quota", "starter");
        String key = stack.key(org, "read", "write");
        // Starter allows 100 a day: 2 left for a batch of 4.
        new RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "audio_analysis", 98, stack.clock.instant());
        JavalinTest.test(app(settings()), (server, client) -> {
            MultipartBody.Builder form = new MultipartBody.Builder().setType(MultipartBody.FORM);
            for (int i = 0; i < 4; i++) {
                form.addFormDataPart("file", "f" + i + ".wav", RequestBody.create(CLICKS_120, MediaType.get("audio/wav")));
            }
            Http.Answer accepted = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/batch-analyze")
                    .header("Authorization", "Bearer " + key).post(form.build()).build());
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
            JsonNode job = completed(client, accepted.json().get("status_url").asText(), key);
            assertThat(job.get("counts").get("analysed").asInt()).isEqualTo(2);
            assertThat(job.get("counts").get("skipped_quota").asInt()).isEqualTo(2);
            for (JsonNode f : job.get("files")) {
                if (f.get("status").asText().equals("skipped_quota")) {
                    assertThat(f.get("error").get("code").asText()).isEqualTo("quota_exceeded");
                    assertThat(f.has("analysis_url")).isFalse();
                }
            }
            assertThat(used(org)).isEqualTo(100);
        });
    }

    @Test
    void aBatchOverTheBodyLimitIsRefusedBeforeItsBodyIsReadAndNothingIsRecorded() {
        String org = stack.org("batch-big", "starter");
        String key = stack.key(org, "read", "write");
        JavalinTest.test(app(settings().withBatch(new AudioSettings.Batch(200_000, 10, 60_000))), (server, client) -> {
            // Headers only: the body is never sent, so an answer proves the refusal came before reading it.
            RawHttp.Outcome o = RawHttp.declared(server.port(), "POST /api/v1/audio/batch-analyze HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nAuthorization: Bearer " + key + "\r\nContent-Length: 200001\r\n");
            assertThat(o.status()).isEqualTo(413);
            assertThat(o.json().get("code").asText()).isEqualTo("audio_too_large");
            Http.Answer list = Http.get(client, "/api/v1/audio/jobs", key);
            assertThat(list.json().get("jobs")).isEmpty();
            assertThat(used(org)).isZero();

            MultipartBody.Builder tooMany = new MultipartBody.Builder().setType(MultipartBody.FORM);
            for (int i = 0; i < 11; i++) {
                tooMany.addFormDataPart("file", "f" + i + ".wav", RequestBody.create(new byte[100], MediaType.get("audio/wav")));
            }
            Http.Answer refused = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/batch-analyze")
                    .header("Authorization", "Bearer " + key).post(tooMany.build()).build());
            Http.assertProblem(refused, 400, "invalid_field", "file");
            Http.assertProblem(Http.post(client, "/api/v1/audio/batch-analyze", key, "{\"files\": [{\"track_id\": \"x\"}]}"), 400,
                    "invalid_field", "files[0].key");
            assertThat(Http.get(client, "/api/v1/audio/jobs", key).json().get("jobs")).isEmpty();
        });
    }

    @Test
    void plansWithoutAudioAnalysisGet402AndAnotherOrgsJobIsNotFound() {
        String community = stack.key(stack.org("batch-community", "community", "community"), "read", "write");
        String org = stack.org("batch-mine", "starter");
        String key = stack.key(org, "read", "write");
        String otherKey = stack.key(stack.org("batch-theirs", "starter"), "read", "write");
        String objectKey = new LocalAudioObjectStore(audioRoot, Long.MAX_VALUE).put(org, "mine.wav", CLICKS_120);
        JavalinTest.test(app(settings()), (server, client) -> {
            String body = "{\"files\": [{\"key\": \"" + objectKey + "\"}]}";
            assertThat(Http.post(client, "/api/v1/audio/batch-analyze", community, body).status()).isEqualTo(402);
            Http.Answer accepted = Http.post(client, "/api/v1/audio/batch-analyze", key, body);
            assertThat(accepted.status()).isEqualTo(202);
            String url = accepted.json().get("status_url").asText();
            completed(client, url, key);
            Http.assertProblem(Http.get(client, url, otherKey), 404, "not_found", null);
            assertThat(Http.get(client, "/api/v1/audio/jobs", otherKey).json().get("jobs")).isEmpty();
        });
    }

    @Test
    void theJobListIsNewestFirstWithAKeysetCursor() {
        String org = stack.org("batch-list", "starter");
        String key = stack.key(org, "read", "write");
        String objectKey = new LocalAudioObjectStore(audioRoot, Long.MAX_VALUE).put(org, "l.wav", CLICKS_120);
        JavalinTest.test(app(settings()), (server, client) -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(Http.post(client, "/api/v1/audio/batch-analyze", key, "{\"files\": [{\"key\": \"" + objectKey + "\"}]}").json()
                        .get("job_id").asText());
            }
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                Http.Answer page = Http.get(client, "/api/v1/audio/jobs?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key);
                assertThat(page.status()).as(page.text()).isEqualTo(200);
                page.json().get("jobs").forEach(j -> seen.add(j.get("job_id").asText()));
                cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            } while (cursor != null);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
            for (String id : ids) {
                completed(client, "/api/v1/audio/jobs/" + id, key);
            }
        });
    }

    @Test
    void aCompletedJobQueuesOneAudioBatchCompletedWebhookWithItsCounts() {
        String org = stack.org("batch-hook", "pro");
        String admin = stack.key(org, "admin");
        String objectKey = new LocalAudioObjectStore(audioRoot, Long.MAX_VALUE).put(org, "h.wav", CLICKS_120);
        // Webhooks are not dispatched in this app (interval 0): the queued delivery is what is checked, nothing is sent.
        Javalin app = AudioFixtures.app(stack, settings(), ApiTestStack.loopbackWebhooks(new TestResolver()));
        JavalinTest.test(app, (server, client) -> {
            Http.Answer hook = Http.post(client, "/api/v1/webhooks", admin, "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": "
                    + "[\"audio.batch_completed\"]}");
            assertThat(hook.status()).as(hook.text()).isEqualTo(201);
            String body = "{\"files\": [{\"key\": \"" + objectKey + "\"}, {\"key\": \"not/mine.wav\"}]}";
            String jobId = Http.post(client, "/api/v1/audio/batch-analyze", admin, body).json().get("job_id").asText();
            completed(client, "/api/v1/audio/jobs/" + jobId, admin);
            List<String> payloads = stack.sql().list("read deliveries", "SELECT payload::text FROM webhook_deliveries WHERE org_id = ? "
                    + "AND event_type = 'audio.batch_completed'", ps -> ps.setString(1, org), rs -> rs.getString(1));
            assertThat(payloads).hasSize(1);
            JsonNode data = io.tunetrail.api.http.Json.mapper().readTree(payloads.get(0)).get("data");
            assertThat(data.get("job_id").asText()).isEqualTo(jobId);
            assertThat(data.get("counts").get("analysed").asInt()).isEqualTo(1);
            assertThat(data.get("counts").get("refused").asInt()).isEqualTo(1);
        });
    }

    /**
     * A job left behind by an API instance that stopped mid-way: one file analysed and stored, one claimed and counted
     * whose lease has run out, one never claimed. A new instance finishes the job without analysing the stored file
     * again and without counting the claimed one twice.
     */
    @Test
    void aJobLeftByAStoppedInstanceIsFinishedAfterARestartWithoutAnalysingOrCountingAnyFileTwice() throws Exception {
        String org = stack.org("batch-restart", "starter");
        String key = stack.key(org, "read", "write");
        String keyId = stack.sql().one("read the key id", "SELECT key_id FROM api_keys WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getString(1)).orElseThrow();
        LocalAudioObjectStore objects = new LocalAudioObjectStore(audioRoot, Long.MAX_VALUE);
        AudioJobStore jobs = new AudioJobStore(stack.sql(), (c, o, j, counts) -> {});
        String jobId = "ajob_restart";
        List<AudioJobStore.NewFile> files = List.of(
                new AudioJobStore.NewFile(objects.put(org, "done.wav", CLICKS_120), null, null, AudioAnalysisWriter.newAnalysisId()),
                new AudioJobStore.NewFile(objects.put(org, "claimed.wav", CLICKS_90), null, null, AudioAnalysisWriter.newAnalysisId()),
                new AudioJobStore.NewFile(objects.put(org, "queued.wav", CLICKS_150), null, null, AudioAnalysisWriter.newAnalysisId()));
        jobs.create(new AudioJobStore.NewJob(org, jobId, keyId, "keys", files));

        // The stopped instance: file 0 analysed and stored (counted), file 1 claimed and counted, then it died.
        AudioJobStore.ClaimedFile done = jobs.claimNext("dead-instance", 60_000).orElseThrow(AudioBatchJobsIT::taken);
        assertThat(done.position()).isZero();
        var a = new AudioAnalyser().analyse(CLICKS_120, settings().limits());
        assertThat(jobs.analysed(done, new AudioAnalysisWriter.TrackAnalysis(org, done.analysisId(), null, a.analyserVersion(),
                AnalysisJson.write(a.features()), AnalysisJson.write(a.document()), a.features().durationMs(), done.objectKey(), null,
                a.embedding().vector(), a.embedding().model()))).isTrue();
        AudioJobStore.ClaimedFile claimed = jobs.claimNext("dead-instance", 60_000).orElseThrow(AudioBatchJobsIT::taken);
        assertThat(claimed.position()).isEqualTo(1);
        assertThat(jobs.markCounted(claimed, stack.clock.instant())).isTrue();
        new RedisOnlineStore(stack.stores().jedis(), "test").addUsage(org, "audio_analysis", 2, stack.clock.instant());
        // Its lease runs out (the instance is gone).
        stack.sql().update("expire the lease", "UPDATE audio_job_files SET lease_until = now() - interval '1 second' WHERE org_id = ? "
                + "AND job_id = ? AND position = 1", ps -> {
                    ps.setString(1, org);
                    ps.setString(2, jobId);
                });

        Map<Integer, AtomicInteger> analysedLengths = new ConcurrentHashMap<>();
        AudioAnalyser real = new AudioAnalyser();
        AudioSettings counting = settings().withAnalyser((bytes, limits) -> {
            analysedLengths.computeIfAbsent(Arrays.hashCode(bytes), h -> new AtomicInteger()).incrementAndGet();
            return real.analyse(bytes, limits);
        });
        JavalinTest.test(app(counting), (server, client) -> {
            JsonNode job = completed(client, "/api/v1/audio/jobs/" + jobId, key);
            assertThat(statuses(job.get("files"))).containsExactly("analysed", "analysed", "analysed");
            assertThat(job.get("files").get(0).get("analysis_id").asText()).isEqualTo(done.analysisId());
            assertThat(analysedLengths).as("the restarted instance analysed the two unfinished files, once each")
                    .containsOnlyKeys(Arrays.hashCode(CLICKS_90), Arrays.hashCode(CLICKS_150));
            assertThat(analysedLengths.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(used(org)).as("the claimed file was counted by the stopped instance, not again").isEqualTo(3);
            int analyses = stack.sql().one("count analyses", "SELECT count(*) FROM audio_analyses WHERE org_id = ?", ps -> ps.setString(1, org),
                    rs -> rs.getInt(1)).orElseThrow();
            assertThat(analyses).isEqualTo(3);
        });
    }

    /** Why this test's own claim found nothing: only a dispatcher on this database can have taken the files. */
    private static AssertionError taken() {
        return new AssertionError("another dispatcher on this database took the job's files: an app of an earlier test of this class "
                + "is still running (JavalinTest leaves the app of a failed test running); fix that test first");
    }

    private static JsonNode completed(io.javalin.testtools.HttpClient client, String url, String key) throws InterruptedException {
        Http.Answer a = null;
        for (int i = 0; i < 600; i++) {
            a = Http.get(client, url, key);
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            if (a.json().get("status").asText().equals("completed")) {
                return a.json();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job did not complete within 60 s: " + a.text());
    }

    private static List<String> statuses(JsonNode files) {
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.add(f.get("status").asText()));
        return out;
    }

    private static List<UsageEvent> audioUsage(String org) {
        return stack.usageEvents(org, 1).stream().filter(e -> e.resource().equals("audio_analysis")).toList();
    }

    private static AudioSettings settings() {
        return AudioSettings.defaults(audioRoot).withPool(2, 4);
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
}
