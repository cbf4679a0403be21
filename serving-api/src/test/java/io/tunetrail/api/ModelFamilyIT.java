package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static io.tunetrail.api.testing.Http.trackIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.OnlineSeeds;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.Track;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ?model=FAMILY} on the recommendation routes follows the plan's model ladder (config/plans.yaml): outside it
 * 402 with the plan-upgrade body and nothing counted; inside it but never trained 409 {@code model_not_trained};
 * trained but not the family the nightly choice serves the org from, 409 {@code model_not_chosen} naming it; the
 * content family answers from the catalog and audio embeddings without the trained model. Every answer names its family.
 */
class ModelFamilyIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String key;
    static List<String> recommended;

    @BeforeAll
    static void seed() {
        org = stack.redis.newOrgId("ladder");
        Catalog catalog = TestCatalogs.synthetic(org, "starter", 60, 5);
        new PostgresCatalogStore(stack.db.dataSource()).load(catalog);
        key = stack.key(org, "read", "write");
        recommended = catalog.tracks().stream().map(Track::trackId).skip(5).limit(20).toList();
        RedisOnlineStore online = stack.redis.store();
        OnlineSeeds.activeRecommendations(online, org, "u-1", "1.0", recommended);
        online.writeBatch(org, FeatureViews.SIMILAR_TRACKS, "1.0", List.of(new FeatureRow("t:0", Map.of(
                "track_ids", List.of("t:5", "t:6"), "scores", List.of(0.9, 0.8), "model_version", "1.0"))));
        online.activateVersion(org, FeatureViews.SIMILAR_TRACKS, "1.0");
    }

    @Test
    void aFamilyOutsideThePlansLadderIsThePlanUpgrade402AndCountsNothing() {
        JavalinTest.test(stack.app(), (server, client) -> {
            long before = usedToday(client);
            Http.Answer refused = get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=bpr", key);
            assertThat(refused.status()).isEqualTo(402);
            JsonNode body = refused.json();
            assertThat(body.get("error").asText()).isEqualTo("Plan upgrade required");
            assertThat(body.get("current_plan").asText()).isEqualTo("starter");
            assertThat(body.get("required_plans")).extracting(JsonNode::asText).containsExactly("pro", "enterprise");
            assertThat(body.get("upgrade_url").asText()).isEqualTo(stack.plans.upgradeUrl());
            assertThat(body.get("feature_description").asText()).isEqualTo(stack.plans.modelFamily("bpr").orElseThrow().description());
            assertThat(body.get("message").asText()).contains("model=bpr").contains("GET /api/v1/ml/daily-mix").contains("Starter");
            assertThat(usedToday(client)).as("a refused family is refused before the quota counts it").isEqualTo(before);

            assertThat(post(client, "/api/v1/ml/radio?model=custom", key, "{\"seed_track_id\": \"t:0\"}").json()
                    .get("required_plans")).extracting(JsonNode::asText).containsExactly("enterprise");
            assertThat(get(client, "/api/v1/tracks/t:0/similar?model=bpr", key).status()).isEqualTo(402);
        });
    }

    @Test
    void theCommunityLadderIsContentOnly() {
        String community = stack.org("community-ladder", "community", "community");
        String communityKey = stack.key(community, "read");
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer refused = get(client, "/api/v1/tracks/t:0/similar?model=als", communityKey);
            assertThat(refused.status()).isEqualTo(402);
            assertThat(refused.json().get("current_plan").asText()).isEqualTo("community");
            assertThat(refused.json().get("required_plans")).extracting(JsonNode::asText).containsExactly("starter", "pro", "enterprise");
        });
    }

    @Test
    void anUnknownFamilyIsA400NamingTheParameter() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer a = get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=ncf", key);
            assertProblem(a, 400, "invalid_field", "model");
            assertThat(a.json().get("detail").asText()).contains("'ncf' is not a model family").contains("content, als");
        });
    }

    @Test
    void anIncludedFamilyWithoutATrainedVersionIs409AndServesOnceOneIsActive() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer ease = get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=ease", key);
            assertProblem(ease, 409, "model_not_trained", null);
            assertThat(ease.json().get("detail").asText()).contains("ease").contains("model=content");
            assertThat(ease.contentType()).startsWith("application/problem+json");

            // The Redis rows exist, but the registry has no active als version for the org: asking for als by name is refused.
            assertProblem(get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=als", key), 409, "model_not_trained", null);
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1", key).json().get("model_version").asText())
                    .as("without model= the route answers as it always did").isEqualTo("1.0");

            ModelRegistry registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
            ModelVersion als = registry.register(org, "als", Map.of("rank", 8), Map.of());
            assertThat(registry.promote(als.id()).promoted()).isTrue();
            // The label was served unregistered above: that miss is remembered for api.families.miss-ttl-ms, and the
            // family shows once it expires, not later.
            JsonNode remembered = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=5&model=als", key).json().path("family");
            assertThat(remembered.isNull() || remembered.isMissingNode()).as("within the bound the miss is remembered: " + remembered).isTrue();
            stack.clock.advance(java.time.Duration.ofMillis(Long.parseLong(PlatformConfig.API_FAMILIES_MISS_TTL_MS.defaultValue())));
            Http.Answer served = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=5&model=als", key);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.json().get("model_version").asText()).isEqualTo("1.0");
            assertThat(served.json().get("family").asText()).as("a version without a recorded choice is ALS's").isEqualTo("als");
            assertThat(trackIds(served.json())).containsExactlyElementsOf(recommended.subList(0, 5));

            Http.Answer notChosen = get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=ease", key);
            assertProblem(notChosen, 409, "model_not_chosen", null);
            assertThat(notChosen.json().get("detail").asText()).contains("come from the als model family").contains("model=als");
        });
    }

    @Test
    void theFamilyTheNightlyChoicePickedIsServedByNameAndEveryAnswerNamesItsFamily() {
        String chosen = stack.redis.newOrgId("chosen");
        Catalog catalog = TestCatalogs.synthetic(chosen, "starter", 60, 7);
        new PostgresCatalogStore(stack.db.dataSource()).load(catalog);
        String chosenKey = stack.key(chosen, "read");
        List<String> list = catalog.tracks().stream().map(Track::trackId).skip(10).limit(20).toList();
        ModelRegistry registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
        // As the nightly als job registers an org whose lists EASE won: the family in the version's input_snapshot.
        ModelVersion ease = registry.register(chosen, "als", Map.of("rank", 8), Map.of("family", "ease",
                "family_params", Map.of("lambda", 500.0, "min_support", 2)));
        assertThat(registry.promote(ease.id()).promoted()).isTrue();
        ModelVersion similar = registry.register(chosen, "track-similarity", Map.of("k", 20), Map.of());
        assertThat(registry.promote(similar.id()).promoted()).isTrue();
        RedisOnlineStore online = stack.redis.store();
        OnlineSeeds.activeRecommendations(online, chosen, "u-1", ease.label(), list);
        String seed = catalog.tracks().get(0).trackId();
        online.writeBatch(chosen, FeatureViews.SIMILAR_TRACKS, similar.label(), List.of(new FeatureRow(seed, Map.of(
                "track_ids", list.subList(0, 2), "scores", List.of(0.9, 0.8), "model_version", similar.label()))));
        online.activateVersion(chosen, FeatureViews.SIMILAR_TRACKS, similar.label());
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer byName = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=5&model=ease", chosenKey);
            assertThat(byName.status()).isEqualTo(200);
            assertThat(byName.json().get("model_version").asText()).isEqualTo(ease.label());
            assertThat(byName.json().get("family").asText()).isEqualTo("ease");
            assertThat(trackIds(byName.json())).containsExactlyElementsOf(list.subList(0, 5));
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=5", chosenKey).json().get("family").asText())
                    .as("the default answer names the family too").isEqualTo("ease");
            assertThat(post(client, "/api/v1/ml/radio", chosenKey, "{\"user_id\": \"u-1\", \"limit\": 5}").json().get("family").asText())
                    .isEqualTo("ease");

            Http.Answer als = get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=als", chosenKey);
            assertProblem(als, 409, "model_not_chosen", null);
            assertThat(als.json().get("detail").asText()).contains("come from the ease model family").contains("model=ease");
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&model=bpr", chosenKey).status())
                    .as("outside the starter ladder: the plan upgrade").isEqualTo(402);

            Http.Answer similarTracks = get(client, "/api/v1/tracks/" + seed + "/similar?limit=5", chosenKey);
            assertThat(similarTracks.json().get("model_version").asText()).isEqualTo(similar.label());
            assertThat(similarTracks.json().get("family").asText()).as("cosines of ALS factors").isEqualTo("als");
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=5&model=content", chosenKey).json().get("family").asText())
                    .isEqualTo("content");
            assertThat(get(client, "/api/v1/ml/daily-mix?user_id=nobody&limit=5", chosenKey).json().get("family").asText())
                    .as("the catalog's fallback").isEqualTo("content");
        });
    }

    @Test
    void theContentFamilyAnswersWithoutTheTrainedModel() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer mix = get(client, "/api/v1/ml/daily-mix?user_id=u-1&limit=10&model=content", key);
            assertThat(mix.status()).isEqualTo(200);
            assertThat(mix.json().get("model_version").asText()).isEqualTo("popularity");
            assertThat(mix.json().get("items")).hasSize(10).allSatisfy(i -> assertThat(i.get("source").asText()).isNotEqualTo("model"));

            Http.Answer similar = get(client, "/api/v1/tracks/t:0/similar?limit=5&model=content", key);
            assertThat(similar.status()).isEqualTo(200);
            assertThat(similar.json().get("model_version").asText()).as("the item-item model's row is left out").isNotEqualTo("1.0");
            assertThat(get(client, "/api/v1/tracks/t:0/similar?limit=5", key).json().get("model_version").asText()).isEqualTo("1.0");
        });
    }

    @Test
    void theOpenApiDocumentListsTheCatalogsFamiliesAndTheRefusals() {
        JavalinTest.test(stack.app(), (server, client) -> {
            JsonNode op = get(client, "/api/docs", null).json().get("paths").get("/api/v1/ml/daily-mix").get("get");
            JsonNode model = null;
            for (JsonNode p : op.get("parameters")) {
                if ("model".equals(p.get("name").asText())) {
                    model = p;
                }
            }
            assertThat(model).as("the model parameter is documented").isNotNull();
            assertThat(model.get("schema").get("enum")).extracting(JsonNode::asText)
                    .containsExactlyElementsOf(stack.plans.modelFamilies().stream().map(f -> f.name()).toList());
            assertThat(model.get("description").asText()).contains("bpr (neural): pro, enterprise.");
            assertThat(op.get("responses").has("402")).isTrue();
            assertThat(op.get("responses").get("409").toString()).contains("model_not_trained");
        });
    }

    private static long usedToday(io.javalin.testtools.HttpClient client) {
        for (JsonNode r : get(client, "/api/v1/usage", key).json().get("resources")) {
            if ("api_calls".equals(r.get("resource").asText())) {
                return r.get("used_today").asLong();
            }
        }
        throw new AssertionError("no api_calls in /api/v1/usage");
    }
}
