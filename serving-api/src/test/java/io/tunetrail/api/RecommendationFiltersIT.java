package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static io.tunetrail.api.testing.Http.trackIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.CountingDataSource;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.OnlineSeeds;
import io.tunetrail.api.testing.RandomEmbeddings;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.api.webhook.WebhookSettings;
import io.tunetrail.model.AudioFeatures;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Track;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one filter mechanism on every recommendation route (genre-based, similar, daily mix, radio), the catalog fields
 * items carry and how many catalog queries a list costs, and radio seeded by a listener's taste.
 */
class RecommendationFiltersIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String key;
    static Catalog catalog;
    static Map<String, Track> tracks;
    static Map<String, AudioFeatures> audio;
    static List<String> recommended;
    static List<String> heard;

    @BeforeAll
    static void seed() {
        org = stack.redis.newOrgId("filters");
        catalog = TestCatalogs.synthetic(org, "pro", 120, 17);
        new PostgresCatalogStore(stack.db.dataSource()).load(catalog);
        tracks = catalog.tracks().stream().collect(Collectors.toMap(Track::trackId, Function.identity()));
        audio = catalog.audioFeatures().stream().collect(Collectors.toMap(AudioFeatures::trackId, Function.identity()));
        key = stack.key(org, "read", "write");
        RedisOnlineStore online = stack.redis.store();
        recommended = catalog.tracks().stream().map(Track::trackId).skip(5).limit(60).toList();
        OnlineSeeds.activeRecommendations(online, org, "u-1", "als-1", recommended);
        heard = List.of(recommended.get(0), recommended.get(1), recommended.get(2));
        OnlineSeeds.session(online, org, "u-1", heard);
        RandomEmbeddings.store(stack.db.dataSource(), org, catalog.tracks(), 5);
    }

    private static final String[][] ROUTES = {
        {"GET", "/api/v1/recommendations/genre-based?user_id=u-1&limit=15"},
        {"GET", "/api/v1/tracks/t:9/similar?user_id=u-1&limit=15"},
        {"GET", "/api/v1/ml/daily-mix?user_id=u-1&limit=15"},
        {"POST", "/api/v1/ml/radio?limit=15"},
    };

    private static Http.Answer call(io.javalin.testtools.HttpClient client, String[] route, String filters) {
        String path = route[1] + (route[1].contains("?") ? "&" : "?") + filters;
        return route[0].equals("GET") ? get(client, path, key)
                : post(client, path, key, "{\"seed_genre_id\": \"pop\", \"user_id\": \"u-1\", \"limit\": 15}");
    }

    @Test
    void everyRecommendationRouteAppliesTheSameFiltersAndRules() {
        String excludedArtist = tracks.get(recommended.get(3)).artistId();
        String filters = "exclude_genres=rock,rock-a,rock-b&exclude_artists=" + excludedArtist + "&min_energy=0.3&max_energy=0.9&max_per_artist=1";
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] route : ROUTES) {
                Http.Answer a = call(client, route, filters);
                assertThat(a.status()).as(route[1] + " " + a.text()).isEqualTo(200);
                List<String> ids = trackIds(a.json());
                assertThat(ids).as(route[1] + " is never empty while tracks pass").isNotEmpty().doesNotContainAnyElementsOf(heard);
                Map<String, Integer> perArtist = new HashMap<>();
                for (String id : ids) {
                    Track t = tracks.get(id);
                    assertThat(t.genreIds()).as(route[1] + " " + id).noneMatch(g -> g.startsWith("rock"));
                    assertThat(t.artistId()).as(route[1] + " " + id).isNotEqualTo(excludedArtist);
                    assertThat(audio.get(id).energy()).as(route[1] + " " + id).isBetween(0.3, 0.9);
                    if (t.artistId() != null) {
                        perArtist.merge(t.artistId(), 1, Integer::sum);
                    }
                }
                assertThat(perArtist.values()).as(route[1] + ": one track per artist").allMatch(n -> n == 1);
            }
            // Included artists only, topped up from the catalog when the route's own list has too few of theirs.
            String artist = tracks.get(recommended.get(10)).artistId();
            for (String[] route : ROUTES) {
                List<String> ids = trackIds(call(client, route, "include_artists=" + artist).json());
                assertThat(ids).as(route[1]).isNotEmpty().allMatch(id -> artist.equals(tracks.get(id).artistId()));
            }
        });
    }

    @Test
    void boostsReorderWithoutDroppingAndUnseenIsOptIn() {
        JavalinTest.test(stack.app(), (server, client) -> {
            List<String> plain = trackIds(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=40", key).json());
            List<String> boosted = trackIds(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=40&boost_genres=jazz,jazz-a,jazz-b"
                    + "&boost_genre_weight=10", key).json());
            assertThat(boosted).hasSize(40).doesNotContainAnyElementsOf(heard);
            List<String> jazzFirst = plain.stream().filter(id -> tracks.get(id).genreIds().stream().anyMatch(g -> g.startsWith("jazz"))).toList();
            assertThat(jazzFirst).isNotEmpty();
            assertThat(boosted.get(0)).isEqualTo(jazzFirst.get(0));
            assertThat(boosted.subList(0, jazzFirst.size() / 2)).as("the boosted genre leads").isEqualTo(jazzFirst.subList(0, jazzFirst.size() / 2));

            assertThat(trackIds(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=3&exclude_seen=false", key).json()))
                    .as("exclude_seen=false keeps what was heard").containsExactlyElementsOf(heard);
            assertThat(trackIds(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=3&exclude_recent=false", key).json()))
                    .as("the daily mix's older name").containsExactlyElementsOf(heard);
        });
    }

    @Test
    void badFiltersAreRefusedNamingTheParameter() {
        String tooMany = java.util.stream.IntStream.range(0, 51).mapToObj(i -> "g" + i).collect(Collectors.joining(","));
        String[][] cases = {
            {"min_energy=2", "min_energy"}, {"min_tempo=120&max_tempo=90", "max_tempo"}, {"max_per_artist=0", "max_per_artist"},
            {"include_genres=" + tooMany, "include_genres"}, {"include_genres=jazz&exclude_genres=jazz", "exclude_genres"},
            {"exclude_artists=a,,b", "exclude_artists"}, {"boost_recency=much", "boost_recency"}, {"exclude_seen=maybe", "exclude_seen"},
            {"exclude_seen=true&exclude_recent=false", "exclude_recent"}, {"fields=title,lyrics", "fields"},
            {"min_energy=0.1&min_energy=0.2", "min_energy"}};
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] route : ROUTES) {
                for (String[] c : cases) {
                    assertProblem(call(client, route, c[0]), 400, "invalid_field", c[1]);
                }
            }
            assertProblem(get(client, "/api/v1/tracks/t:9/similar?exclude_seen=true", key), 400, "invalid_field", "exclude_seen");
            assertProblem(get(client, "/api/v1/recommendations/genre-based?genre_id=pop&exclude_seen=true", key), 400, "invalid_field",
                    "exclude_seen");
        });
    }

    @Test
    void itemsCarryWhatAClientShowsChosenByFields() {
        JavalinTest.test(stack.app(), (server, client) -> {
            for (String[] route : ROUTES) {
                JsonNode items = call(client, route, "").json().get("items");
                assertThat(items).as(route[1]).isNotEmpty();
                for (JsonNode item : items) {
                    Track t = tracks.get(item.get("track_id").asText());
                    assertThat(item.get("title").asText()).isEqualTo(t.title());
                    assertThat(item.get("duration_ms").asLong()).isEqualTo(t.durationMs());
                    List<String> genres = new ArrayList<>();
                    item.get("genre_ids").forEach(g -> genres.add(g.asText()));
                    assertThat(genres).isEqualTo(t.genreIds());
                    if (t.artistId() == null) {
                        assertThat(item.has("artist_id")).isFalse();
                    } else {
                        assertThat(item.get("artist_id").asText()).isEqualTo(t.artistId());
                        assertThat(item.get("artist_name").asText()).isEqualTo(catalog.artists().stream()
                                .filter(x -> x.artistId().equals(t.artistId())).findFirst().orElseThrow().name());
                    }
                    assertThat(item.has("album")).as("not a default field").isFalse();
                }
                JsonNode chosen = call(client, route, "fields=title,popularity").json().get("items").get(0);
                assertThat(fieldNames(chosen)).as(route[1]).containsExactlyInAnyOrder("track_id", "score", "reason", "source", "title",
                        "popularity");
                assertThat(fieldNames(call(client, route, "fields=").json().get("items").get(0)))
                        .containsExactlyInAnyOrder("track_id", "score", "reason", "source");
            }
        });
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The catalog is read in one batch per list, not per item, and not at all while the list's tracks are cached. */
    @Test
    void aListCostsOneCatalogBatchWhateverItsLength() {
        CountingDataSource counting = new CountingDataSource(stack.db.dataSource());
        ApiStores stores = new ApiStores(counting.dataSource(), stack.stores().jedis(), stack.stores().redisWhere(), stack.stores().events(),
                () -> { });
        var app = ServingApp.create(stores, stack.clock, new ApiSettings(stack.plans, ApiTestStack.WEBHOOK_SECRET, 1_048_576, 5_000, 0,
                WebhookSettings.local(new TestResolver())));
        java.util.function.Predicate<String> catalogRead = sql -> sql.contains("FROM tracks");
        JavalinTest.test(app, (server, client) -> {
            long before = counting.count(catalogRead);
            Http.Answer fifty = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=50", key);
            assertThat(trackIds(fifty.json())).hasSize(50);
            assertThat(fifty.json().get("items").get(49).get("title").asText()).isNotBlank();
            long first = counting.count(catalogRead) - before;
            // The cards' batch, and the label of the reason ("because you played ...").
            assertThat(first).as("catalog queries for 50 items").isBetween(1L, 2L);
            get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=50", key);
            assertThat(counting.count(catalogRead) - before - first).as("the same list again: all cached").isZero();

            long beforeSimilar = counting.count(catalogRead);
            Http.Answer similar = get(client, "/api/v1/tracks/t:100/similar?limit=40&fields=title,album", key);
            assertThat(trackIds(similar.json())).hasSize(40);
            // The seed track, its label, and one batch of cards for the 40 (plus the seed genres' popular tracks).
            assertThat(counting.count(catalogRead) - beforeSimilar).as("catalog queries for 40 similar items").isLessThanOrEqualTo(5);
            assertThat(counting.count(sql -> sql.contains("LEFT JOIN audio_features"))).as("card batches in all").isLessThanOrEqualTo(3);
        });
    }

    @Test
    void radioFollowsTheListenersTasteAndOnlyInTheirOrg() {
        String other = stack.org("filters-other", "pro");
        String otherKey = stack.key(other, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer mine = post(client, "/api/v1/ml/radio", key, "{\"user_id\": \"u-1\", \"limit\": 10}");
            assertThat(mine.status()).as(mine.text()).isEqualTo(200);
            assertThat(mine.json().get("model_version").asText()).isEqualTo("als-1");
            List<String> station = trackIds(mine.json());
            assertThat(station).hasSize(10).doesNotContainAnyElementsOf(heard);
            assertThat(station).as("the model's list for them is part of it").containsAnyElementsOf(recommended);
            Http.Answer more = post(client, "/api/v1/ml/radio", key, "{\"user_id\": \"u-1\", \"limit\": 10, \"cursor\": \""
                    + mine.json().get("next_cursor").asText() + "\"}");
            assertThat(trackIds(more.json())).hasSize(10).doesNotContainAnyElementsOf(station).doesNotContainAnyElementsOf(heard);

            List<String> seeded = trackIds(post(client, "/api/v1/ml/radio", key,
                    "{\"seed_track_id\": \"" + heard.get(0) + "\", \"user_id\": \"u-1\", \"limit\": 20}").json());
            assertThat(seeded).hasSize(20).doesNotContainAnyElementsOf(heard);
            List<String> anonymous = trackIds(post(client, "/api/v1/ml/radio", key,
                    "{\"seed_track_id\": \"" + heard.get(0) + "\", \"limit\": 20}").json());
            long jazzSeeded = seeded.stream().limit(5).filter(RecommendationFiltersIT::jazz).count();
            long jazzAnonymous = anonymous.stream().limit(5).filter(RecommendationFiltersIT::jazz).count();
            assertThat(jazzSeeded).as("the listener's genre (jazz) is favoured").isGreaterThanOrEqualTo(jazzAnonymous);

            // Another org's key naming the same user id reaches no one: a cold start, like an unknown listener.
            Http.Answer theirs = post(client, "/api/v1/ml/radio", otherKey, "{\"user_id\": \"u-1\", \"limit\": 5}");
            assertThat(theirs.status()).isEqualTo(200);
            assertThat(theirs.json().get("model_version").asText()).isEqualTo("popularity");
            assertThat(trackIds(theirs.json())).doesNotContainAnyElementsOf(recommended.subList(0, 5));
            assertProblem(post(client, "/api/v1/ml/radio", key, "{\"limit\": 5}"), 400, "invalid_field", "seed_track_id");
        });
    }

    private static boolean jazz(String trackId) {
        return tracks.get(trackId).genreIds().stream().anyMatch(g -> g.startsWith("jazz"));
    }
}
