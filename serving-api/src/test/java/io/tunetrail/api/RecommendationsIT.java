package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.call;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static io.tunetrail.api.testing.Http.trackIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.OnlineSeeds;
import io.tunetrail.api.testing.RandomEmbeddings;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Track;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.TestCatalogs;
import io.tunetrail.store.vector.PgVectorStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recommendations served from stores seeded through feature-store (as the batch jobs would): the active model
 * version, filters and paging, cold start, fallbacks, vector search; and 404 for every id-taking route called with
 * another org's id.
 */
class RecommendationsIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String key;
    static Catalog catalog;
    static List<String> recommended;

    @BeforeAll
    static void seed() {
        org = stack.redis.newOrgId("recs");
        catalog = TestCatalogs.synthetic(org, "pro", 80, 11);
        new PostgresCatalogStore(stack.db.dataSource()).load(catalog);
        key = stack.key(org, "read", "write");
        RedisOnlineStore online = stack.redis.store();
        recommended = catalog.tracks().stream().map(Track::trackId).skip(10).limit(30).toList();
        OnlineSeeds.activeRecommendations(online, org, "u-1", "als-1", recommended);
        OnlineSeeds.session(online, org, "u-1", List.of(recommended.get(0), recommended.get(1)));
        online.writeBatch(org, FeatureViews.SIMILAR_TRACKS, "sim-1", List.of(new FeatureRow("t:0", Map.of(
                "track_ids", List.of("t:5", "t:6", "t:7"), "scores", List.of(0.9, 0.8, 0.7), "model_version", "sim-1"))));
        online.activateVersion(org, FeatureViews.SIMILAR_TRACKS, "sim-1");
        RandomEmbeddings.store(stack.db.dataSource(), org, catalog.tracks(), 3);
    }

    /** "Title by Artist" of a track of the seeded catalog (the title alone without an artist), as reasons name it. */
    private static String label(String trackId) {
        Track t = catalog.tracks().stream().filter(x -> x.trackId().equals(trackId)).findFirst().orElseThrow();
        assertThat(t.title()).isNotBlank();
        return t.artistId() == null ? t.title() : t.title() + " by " + artistName(t.artistId());
    }

    private static String artistName(String artistId) {
        return catalog.artists().stream().filter(a -> a.artistId().equals(artistId)).findFirst().orElseThrow().name();
    }

    @Test
    void dailyMixServesTheActiveVersionFilteredAndPaged() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer first = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=10", key);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.json().get("model_version").asText()).isEqualTo("als-1");
            assertThat(trackIds(first.json())).as("recently heard tracks are left out").containsExactlyElementsOf(recommended.subList(2, 12));
            assertThat(first.json().get("items").get(0).get("reason").asText()).as("the reason names the title and artist, not the id")
                    .isEqualTo("because you played " + label(recommended.get(0)));
            Http.Answer second = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=10&cursor=" + first.json().get("next_cursor").asText(), key);
            assertThat(trackIds(second.json())).containsExactlyElementsOf(recommended.subList(12, 22));

            Http.Answer jazz = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=50&include_genres=jazz,jazz-a,jazz-b", key);
            Set<String> jazzTracks = new HashSet<>();
            catalog.tracks().stream().filter(t -> t.genreIds().stream().anyMatch(g -> g.startsWith("jazz"))).forEach(t -> jazzTracks.add(t.trackId()));
            assertThat(trackIds(jazz.json())).isNotEmpty().allMatch(jazzTracks::contains);

            RedisOnlineStore online = stack.redis.store();
            online.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, "als-2", List.of(new FeatureRow("u-1",
                    Map.of("track_ids", List.of("t:70", "t:71"), "scores", List.of(0.5, 0.4), "model_version", "als-2"))));
            online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "als-2");
            Http.Answer switched = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=2", key);
            assertThat(switched.json().get("model_version").asText()).isEqualTo("als-2");
            assertThat(trackIds(switched.json())).containsExactly("t:70", "t:71");
            online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "als-1");
        });
    }

    @Test
    void coldStartAndFallbacksAreNeverEmpty() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer cold = get(client, "/api/v1/ml/daily-mix?user_id=nobody&limit=5", key);
            assertThat(cold.json().get("model_version").asText()).isEqualTo("popularity");
            assertThat(trackIds(cold.json())).hasSize(5);
            assertThat(cold.json().get("items").get(0).get("reason").asText()).isEqualTo("popular on this service");

            Http.Answer similar = get(client, "/api/v1/tracks/t:0/similar?limit=5", key);
            assertThat(similar.json().get("model_version").asText()).isEqualTo("sim-1");
            assertThat(trackIds(similar.json())).startsWith("t:5", "t:6", "t:7").hasSize(5).doesNotContain("t:0");

            Http.Answer byEmbedding = get(client, "/api/v1/tracks/t:1/similar?limit=5", key);
            assertThat(byEmbedding.json().get("model_version").asText()).isEqualTo("audio-embedding");
            assertThat(byEmbedding.json().get("items").get(0).get("reason").asText()).isEqualTo("sounds like " + label("t:1"));
            assertThat(similar.json().get("items").get(0).get("reason").asText()).isEqualTo("listeners of " + label("t:0") + " also played this");
            Track seedTrack = catalog.tracks().stream().filter(t -> t.trackId().equals("t:2")).findFirst().orElseThrow();
            Http.Answer byArtist = post(client, "/api/v1/ml/radio", key, "{\"seed_artist_id\": \"" + seedTrack.artistId() + "\", \"limit\": 3}");
            assertThat(byArtist.json().get("items").get(0).get("reason").asText()).isEqualTo("by " + artistName(seedTrack.artistId()));
            assertThat(trackIds(byEmbedding.json())).hasSize(5).doesNotContain("t:1");

            Http.Answer genre = get(client, "/api/v1/recommendations/genre-based?genre_id=rock&limit=5", key);
            assertThat(genre.json().get("model_version").asText()).isEqualTo("popularity");
            assertThat(trackIds(genre.json())).hasSize(5);

            Http.Answer radio = post(client, "/api/v1/ml/radio", key, "{\"seed_genre_id\": \"pop\", \"limit\": 5}");
            assertThat(trackIds(radio.json())).hasSize(5);
            Http.Answer more = post(client, "/api/v1/ml/radio", key, "{\"seed_genre_id\": \"pop\", \"limit\": 5, \"cursor\": \""
                    + radio.json().get("next_cursor").asText() + "\"}");
            assertThat(trackIds(more.json())).hasSize(5).doesNotContainAnyElementsOf(trackIds(radio.json()));
        });
    }

    @Test
    void vectorSearchByTrackAndByVector() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer byTrack = post(client, "/api/v1/audio/similarity-search", key, "{\"track_id\": \"t:3\", \"limit\": 4}");
            assertThat(byTrack.status()).isEqualTo(200);
            assertThat(byTrack.json().get("matches")).hasSize(4);
            StringBuilder vector = new StringBuilder("[");
            int dim = new PgVectorStore(stack.db.dataSource()).dimension();
            for (int i = 0; i < dim; i++) {
                vector.append(i == 0 ? "" : ",").append(i % 3 == 0 ? 1.0 : 0.1);
            }
            Http.Answer byVector = post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": " + vector + "], \"limit\": 3}");
            assertThat(byVector.json().get("matches")).hasSize(3);
            Http.Answer wrongDim = post(client, "/api/v1/audio/similarity-search", key, "{\"vector\": [1.0, 2.0]}");
            assertThat(wrongDim.status()).isEqualTo(400);
            assertThat(wrongDim.json().get("field").asText()).isEqualTo("vector");
        });
    }

    @Test
    void everyIdTakingRouteAnswers404ForAnotherOrgsIds() {
        String other = stack.org("intruder", "enterprise");
        String intruder = stack.key(other, "admin");
        String enterprise = stack.org("trainer", "enterprise");
        String trainerKey = stack.key(enterprise, "admin");
        JavalinTest.test(stack.app(), (server, client) -> {
            String request = post(client, "/api/v1/models/train", trainerKey, "{\"algorithm\": \"als\", \"params\": {\"rank\": 10}}")
                    .json().get("request_id").asText();
            assertThat(get(client, "/api/v1/models/train/" + request, trainerKey).status()).isEqualTo(200);
            long version = new io.tunetrail.store.registry.ModelRegistry(stack.db.dataSource(), stack.plans)
                    .register(enterprise, "als", Map.of("rank", 10), Map.of()).id();
            String[][] attempts = {
                {"GET", "/api/v1/tracks/t:1", null}, {"PUT", "/api/v1/tracks/t:1", "{\"title\": \"mine now\"}"},
                {"DELETE", "/api/v1/tracks/t:1", null}, {"GET", "/api/v1/tracks/t:1/similar", null},
                {"GET", "/api/v1/tracks/t:1/audio-features", null}, {"GET", "/api/v1/artists/artist/1", null},
                {"DELETE", "/api/v1/artists/artist/1", null}, {"GET", "/api/v1/genres/rock", null}, {"DELETE", "/api/v1/genres/rock", null},
                {"POST", "/api/v1/ml/radio", "{\"seed_track_id\": \"t:1\"}"},
                {"POST", "/api/v1/audio/similarity-search", "{\"track_id\": \"t:1\"}"},
                {"POST", "/api/v1/recommendations/feedback", "{\"user_id\": \"u-1\", \"track_id\": \"t:1\", \"feedback\": \"like\"}"},
                {"GET", "/api/v1/recommendations/genre-based?genre_id=rock", null},
                {"GET", "/api/v1/models/train/" + request, null}, {"DELETE", "/api/v1/models/train/" + request, null},
                {"PUT", "/api/v1/models/policy", "{\"pinned_version_id\": " + version + "}"}};
            for (String[] a : attempts) {
                Http.Answer answer = call(client, a[0], a[1], intruder, a[2]);
                assertThat(answer.status()).as(a[0] + " " + a[1] + " " + answer.text()).isEqualTo(404);
                assertThat(answer.text()).doesNotContain(org).doesNotContain(enterprise);
            }
            assertThat(get(client, "/api/v1/tracks/t:1", key).json().get("title").asText()).isNotEqualTo("mine now");
            assertThat(get(client, "/api/v1/models/train/" + request, trainerKey).json().get("status").asText()).isEqualTo("QUEUED");
            Http.Answer pinned = call(client, "PUT", "/api/v1/models/policy", trainerKey, "{\"pinned_version_id\": " + version + "}");
            assertThat(pinned.status()).as(pinned.text()).isEqualTo(200);
            assertThat(pinned.json().get("pinned_version_id").asLong()).isEqualTo(version);
            assertThat(pinned.json().get("plan_policy").asText()).isEqualTo("pinned");
            assertThat(call(client, "DELETE", "/api/v1/models/train/" + request, trainerKey, null).json().get("status").asText())
                    .isEqualTo("CANCELLED");
        });
    }
}
