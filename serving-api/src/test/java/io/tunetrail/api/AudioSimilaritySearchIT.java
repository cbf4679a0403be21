package io.tunetrail.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.audio.AudioSettings;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.AudioFixtures;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.vector.PgVectorStore;
import io.tunetrail.store.vector.TrackEmbedding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/v1/audio/similarity-search in both embedding spaces over the real stack and analyser: a track with
 * analysed audio is searched by its signal embedding (its recording's other excerpt first, the org's rows only), a
 * track without by its catalog embedding, a vector by its dimension; the answer says which space answered.
 */
class AudioSimilaritySearchIT {
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    @TempDir
    static Path audioRoot;

    private static final int RATE = AudioFixtures.RATE;

    @Test
    void aTrackWithAnalysedAudioIsSearchedByItsSignalEmbeddingAndItsOtherExcerptComesFirst() {
        String org = stack.org("search", "starter");
        String other = stack.org("search-other", "starter");
        String key = stack.key(org, "read", "write");
        String otherKey = stack.key(other, "read", "write");
        // Two recordings, each cut into two non-overlapping excerpts: a chord progression and a click pattern.
        byte[] chords = chordsWav(new double[][] {{261.63, 329.63, 392.0}, {220.0, 261.63, 329.63}}, 12);
        byte[] clicks = clicksWav(100, 12);
        for (String t : new String[] {"chords-1", "chords-2", "clicks-1", "clicks-2", "no-audio"}) {
            track(org, t);
        }
        track(other, "their-chords");
        catalogEmbeddings(org, List.of("chords-1", "chords-2", "clicks-1", "clicks-2", "no-audio"));
        JavalinTest.test(app(), (server, client) -> {
            analyse(client, key, "chords-1", excerpt(chords, 0, 6));
            analyse(client, key, "chords-2", excerpt(chords, 6, 12));
            analyse(client, key, "clicks-1", excerpt(clicks, 0, 6));
            analyse(client, key, "clicks-2", excerpt(clicks, 6, 12));
            // Another org's copy of the same audio must never be found.
            analyse(client, otherKey, "their-chords", excerpt(chords, 6, 12));

            for (String[] pair : new String[][] {{"chords-1", "chords-2"}, {"chords-2", "chords-1"}, {"clicks-1", "clicks-2"},
                    {"clicks-2", "clicks-1"}}) {
                Http.Answer a = Http.post(client, "/api/v1/audio/similarity-search", key, "{\"track_id\": \"" + pair[0] + "\", \"limit\": 5}");
                assertThat(a.status()).as(a.text()).isEqualTo(200);
                assertThat(a.json().get("embedding").asText()).isEqualTo("signal");
                assertThat(a.json().get("dimension").asInt()).isEqualTo(512);
                assertThat(a.json().get("model").asText()).isNotBlank();
                List<String> found = ids(a.json());
                assertThat(found).as("its recording's other excerpt first").startsWith(pair[1]);
                assertThat(found).doesNotContain(pair[0], "their-chords", "no-audio").hasSize(3);
            }

            Http.Answer none = Http.post(client, "/api/v1/audio/similarity-search", key, "{\"track_id\": \"no-audio\", \"limit\": 3}");
            assertThat(none.status()).as(none.text()).isEqualTo(200);
            assertThat(none.json().get("embedding").asText()).isEqualTo("catalog_features");
            assertThat(none.json().get("dimension").asInt()).isEqualTo(new PgVectorStore(stack.db.dataSource()).dimension());
            assertThat(ids(none.json())).hasSize(3).doesNotContain("no-audio");

            Http.assertProblem(Http.post(client, "/api/v1/audio/similarity-search", key, "{\"track_id\": \"their-chords\"}"), 404, "not_found", null);
        });
    }

    @Test
    void aVectorIsSearchedInTheSpaceItsDimensionNamesAndAnyOtherDimensionIs400() {
        String org = stack.org("vectors", "starter");
        String key = stack.key(org, "read", "write");
        for (String t : new String[] {"v-1", "v-2"}) {
            track(org, t);
        }
        catalogEmbeddings(org, List.of("v-1", "v-2"));
        int catalogDimension = new PgVectorStore(stack.db.dataSource()).dimension();
        JavalinTest.test(app(), (server, client) -> {
            analyse(client, key, "v-1", clicksWav(100, 6));
            Http.Answer signal = Http.post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": " + vector(512) + "}");
            assertThat(signal.status()).as(signal.text()).isEqualTo(200);
            assertThat(signal.json().get("embedding").asText()).isEqualTo("signal");
            assertThat(ids(signal.json())).containsExactly("v-1");

            Http.Answer catalog = Http.post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": " + vector(catalogDimension) + "}");
            assertThat(catalog.status()).as(catalog.text()).isEqualTo(200);
            assertThat(catalog.json().get("embedding").asText()).isEqualTo("catalog_features");
            assertThat(ids(catalog.json())).containsExactlyInAnyOrder("v-1", "v-2");

            Http.Answer wrong = Http.post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": " + vector(7) + "}");
            Http.assertProblem(wrong, 400, "invalid_field", "vector");
            assertThat(wrong.json().get("detail").asText()).contains("512").contains(Integer.toString(catalogDimension));
            Http.assertProblem(Http.post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": " + zeros(512) + "}"), 400,
                    "invalid_field", "vector");
        });
    }

    @Test
    void aClipIsAnalysedForTheSearchCountedOnceAndNotKept() {
        String org = stack.org("by-audio", "starter");
        String key = stack.key(org, "read", "write");
        String freeKey = stack.key(stack.org("by-audio-free", "free"), "read", "write");
        byte[] chords = chordsWav(new double[][] {{261.63, 329.63, 392.0}, {220.0, 261.63, 329.63}}, 12);
        for (String t : new String[] {"a-chords", "a-clicks"}) {
            track(org, t);
        }
        JavalinTest.test(app(), (server, client) -> {
            analyse(client, key, "a-chords", excerpt(chords, 0, 6));
            analyse(client, key, "a-clicks", clicksWav(100, 6));
            Http.Answer found = clip(client, key, excerpt(chords, 6, 12));
            assertThat(found.status()).as(found.text()).isEqualTo(200);
            assertThat(found.json().get("embedding").asText()).isEqualTo("signal");
            assertThat(found.json().get("dimension").asInt()).isEqualTo(512);
            assertThat(ids(found.json())).containsExactly("a-chords", "a-clicks");
            assertThat(used(org)).as("two uploads and the clip").isEqualTo(3);
            assertThat(analyses(org)).as("the clip is not kept").isEqualTo(2);

            Http.assertProblem(clip(client, key, java.util.Arrays.copyOf(chords, 20_000)), 422, "undecodable_audio", null);
            Http.assertProblem(clip(client, key, new byte[0]), 400, "empty_audio", null);
            assertThat(used(org)).as("refused clips are not counted").isEqualTo(3);
            assertThat(clip(client, freeKey, excerpt(chords, 6, 12)).status()).isEqualTo(402);
        });
    }

    @Test
    void theRecommendationFiltersApplyToEveryAudioSimilarityRouteAndTheCatalogEmbeddingSaysItsSource() {
        String org = stack.org("audio-filters", "pro");
        String key = stack.key(org, "read", "write");
        for (String artist : new String[] {"a-x", "a-y"}) {
            stack.sql().update("add an artist", "INSERT INTO artists (org_id, artist_id, name) VALUES (?, ?, ?)", ps -> {
                ps.setString(1, org);
                ps.setString(2, artist);
                ps.setString(3, "Artist " + artist);
            });
        }
        // f-2 is a-x's; the others a-y's. f-1 and f-2 are the same recording; f-4 has a catalog embedding only.
        String[][] tracks = {{"f-1", "a-y"}, {"f-2", "a-x"}, {"f-3", "a-y"}, {"f-4", "a-y"}};
        for (String[] t : tracks) {
            track(org, t[0]);
            stack.sql().update("set the artist", "UPDATE tracks SET artist_id = ? WHERE org_id = ? AND track_id = ?", ps -> {
                ps.setString(1, t[1]);
                ps.setString(2, org);
                ps.setString(3, t[0]);
            });
        }
        catalogEmbeddings(org, List.of("f-1", "f-2", "f-3", "f-4"));
        // As the nightly audio-embeddings job records an embedding built from analysed audio (V73).
        stack.sql().update("mark the source", "UPDATE track_embeddings SET source = 'audio_analysis', analyser_version = 'test-7' "
                + "WHERE org_id = ? AND track_id = 'f-4'", ps -> ps.setString(1, org));
        byte[] chords = chordsWav(new double[][] {{261.63, 329.63, 392.0}, {220.0, 261.63, 329.63}}, 12);
        JavalinTest.test(app(), (server, client) -> {
            analyse(client, key, "f-1", excerpt(chords, 0, 6));
            analyse(client, key, "f-2", excerpt(chords, 6, 12));
            analyse(client, key, "f-3", clicksWav(100, 6));

            String search = "/api/v1/audio/similarity-search";
            assertThat(ids(Http.post(client, search, key, "{\"track_id\": \"f-1\"}").json())).startsWith("f-2");
            Http.Answer signal = Http.post(client, search + "?exclude_artists=a-x", key, "{\"track_id\": \"f-1\"}");
            assertThat(signal.status()).as(signal.text()).isEqualTo(200);
            assertThat(ids(signal.json())).containsExactly("f-3");
            assertThat(ids(Http.post(client, search + "?include_artists=a-x", key, "{\"vector\": " + vector(512) + "}").json()))
                    .containsExactly("f-2");

            Http.Answer catalog = Http.post(client, search + "?exclude_artists=a-x", key, "{\"track_id\": \"f-4\"}");
            assertThat(catalog.status()).as(catalog.text()).isEqualTo(200);
            assertThat(catalog.json().get("embedding").asText()).isEqualTo("audio_analysis");
            assertThat(catalog.json().get("analyser_version").asText()).isEqualTo("test-7");
            assertThat(ids(catalog.json())).containsExactlyInAnyOrder("f-1", "f-3");
            catalog.json().get("matches").forEach(m -> assertThat(m.get("source").asText()).isEqualTo("catalog_features"));

            Http.Answer capped = Http.post(client, search + "?max_per_artist=1", key, "{\"track_id\": \"f-4\"}");
            assertThat(ids(capped.json())).as("one track per artist").hasSize(2).contains("f-2");

            assertThat(ids(Http.get(client, "/api/v1/tracks/similar-by-audio/f-1", key).json())).containsExactly("f-2", "f-3");
            Http.Answer alike = Http.get(client, "/api/v1/tracks/similar-by-audio/f-1?include_artists=a-y", key);
            assertThat(alike.status()).as(alike.text()).isEqualTo(200);
            assertThat(ids(alike.json())).containsExactly("f-3");
            Http.Answer fallback = Http.get(client, "/api/v1/tracks/similar-by-audio/f-4?include_artists=a-x", key);
            assertThat(fallback.json().get("embedding").asText()).isEqualTo("audio_analysis");
            assertThat(fallback.json().get("analyser_version").asText()).isEqualTo("test-7");
            assertThat(ids(fallback.json())).containsExactly("f-2");

            Http.Answer byAudio = clip(client, key, excerpt(chords, 0, 6), "&exclude_artists=a-x");
            assertThat(byAudio.status()).as(byAudio.text()).isEqualTo(200);
            assertThat(ids(byAudio.json())).startsWith("f-1").doesNotContain("f-2");

            Http.Answer matrix = Http.get(client, "/api/v1/ml/tracks/similarity-matrix?ids=f-1,f-4", key);
            assertThat(matrix.json().get("embeddings").get("f-1").asText()).isEqualTo("signal");
            assertThat(matrix.json().get("embeddings").get("f-4").asText()).isEqualTo("audio_analysis");

            long counted = used(org);
            Http.assertProblem(clip(client, key, excerpt(chords, 0, 6), "&min_energy=2"), 400, "invalid_field", "min_energy");
            assertThat(used(org)).as("a refused filter gives its unit back").isEqualTo(counted);
            Http.assertProblem(Http.post(client, search + "?exclude_seen=true", key, "{\"track_id\": \"f-1\"}"), 400, "invalid_field",
                    "exclude_seen");
            Http.assertProblem(Http.get(client, "/api/v1/tracks/similar-by-audio/f-1?max_per_artist=0", key), 400, "invalid_field",
                    "max_per_artist");
        });
    }

    private static Http.Answer clip(io.javalin.testtools.HttpClient client, String key, byte[] wav) {
        return clip(client, key, wav, "");
    }

    private static Http.Answer clip(io.javalin.testtools.HttpClient client, String key, byte[] wav, String query) {
        return Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/similarity-search/by-audio?limit=5" + query)
                .header("Authorization", "Bearer " + key).post(RequestBody.create(wav, MediaType.get("audio/wav"))).build());
    }

    private static long used(String org) {
        return AudioFixtures.audioUsedToday(stack, org);
    }

    private static int analyses(String org) {
        return stack.sql().one("count analyses", "SELECT count(*) FROM audio_analyses WHERE org_id = ?", ps -> ps.setString(1, org),
                rs -> rs.getInt(1)).orElseThrow();
    }

    private static List<String> ids(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("matches").forEach(m -> out.add(m.get("track_id").asText()));
        return out;
    }

    private static String vector(int dimension) {
        Random r = new Random(dimension);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dimension; i++) {
            b.append(i == 0 ? "" : ",").append(0.1 + r.nextDouble());
        }
        return b.append(']').toString();
    }

    private static String zeros(int dimension) {
        return "[" + String.join(",", java.util.Collections.nCopies(dimension, "0")) + "]";
    }

    private static void analyse(io.javalin.testtools.HttpClient client, String key, String trackId, byte[] wav) {
        Http.Answer a = Http.answer(client, new Request.Builder().url(client.getOrigin() + "/api/v1/audio/analyze?track_id=" + trackId)
                .header("Authorization", "Bearer " + key).post(RequestBody.create(wav, MediaType.get("audio/wav"))).build());
        assertThat(a.status()).as(a.text()).isEqualTo(200);
    }

    private static void catalogEmbeddings(String org, List<String> tracks) {
        PgVectorStore vectors = new PgVectorStore(stack.db.dataSource());
        Random r = new Random(5);
        List<TrackEmbedding> rows = new ArrayList<>();
        for (String t : tracks) {
            float[] v = new float[vectors.dimension()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.1 + r.nextDouble());
            }
            rows.add(new TrackEmbedding(t, v, "catalog-test"));
        }
        vectors.upsert(org, rows);
    }

    private static Javalin app() {
        return AudioFixtures.app(stack, AudioSettings.defaults(audioRoot));
    }

    private static void track(String org, String trackId) {
        AudioFixtures.track(stack, org, trackId);
    }

    /** Seconds {@code from} to {@code to} of a mono 16-bit WAV made here (header rewritten for the excerpt). */
    private static byte[] excerpt(byte[] wav, double from, double to) {
        int start = 44 + 2 * (int) (from * RATE);
        int end = 44 + 2 * (int) (to * RATE);
        short[] pcm = new short[(end - start) / 2];
        ByteBuffer in = ByteBuffer.wrap(wav, start, end - start).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = in.getShort();
        }
        return wav(pcm);
    }

    /** Chords held two seconds each, in turn, with a little noise. */
    private static byte[] chordsWav(double[][] chords, double seconds) {
        int n = (int) (seconds * RATE);
        short[] pcm = new short[n];
        Random noise = new Random(1);
        for (int i = 0; i < n; i++) {
            double[] chord = chords[(i / (2 * RATE)) % chords.length];
            double s = 0;
            for (double f : chord) {
                s += Math.sin(2 * Math.PI * f * i / RATE) / chord.length;
            }
            pcm[i] = (short) (Short.MAX_VALUE * (0.5 * s + 0.01 * noise.nextGaussian()));
        }
        return wav(pcm);
    }

    private static byte[] clicksWav(double bpm, double seconds) {
        return AudioFixtures.clickTrackWav(bpm, seconds);
    }

    private static byte[] wav(short[] pcm) {
        return AudioFixtures.wav(pcm);
    }
}
