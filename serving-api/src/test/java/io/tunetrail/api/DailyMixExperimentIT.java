package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static io.tunetrail.api.testing.Http.trackIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.testing.Http;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.TestCatalogs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A/B experiments applied inside the daily mix: a listener assigned to an arm gets that arm's model version's list,
 * and the response names the version and the experiment arm; without an experiment (or once it stops) the active
 * version answers and no arm is named.
 */
class DailyMixExperimentIT {

    static final int LISTENERS = 24;
    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();
    static String org;
    static String admin;
    /** Each version's list per listener: als-1 recommends t:1, t:2, als-2 recommends t:3, t:4 (shifted per listener). */
    static final Map<String, Map<String, List<String>>> LISTS = new HashMap<>();

    @BeforeAll
    static void seed() {
        org = stack.redis.newOrgId("mixab");
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "enterprise", 40, 7));
        admin = stack.key(org, "read", "admin");
        RedisOnlineStore online = stack.redis.store();
        for (String version : List.of("als-1", "als-2")) {
            List<FeatureRow> rows = new ArrayList<>();
            Map<String, List<String>> lists = new HashMap<>();
            for (int u = 0; u < LISTENERS; u++) {
                int base = version.equals("als-1") ? 0 : 20;
                List<String> tracks = List.of("t:" + (base + u % 10 + 1), "t:" + (base + u % 10 + 2));
                lists.put("u-" + u, tracks);
                rows.add(new FeatureRow("u-" + u, Map.of("track_ids", tracks, "scores", List.of(0.9, 0.8), "model_version", version)));
            }
            online.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, version, rows);
            LISTS.put(version, lists);
        }
        online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, "als-1");
    }

    @Test
    void eachListenerGetsTheirArmsVersionNamedInTheResponseUntilTheExperimentStops() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer before = get(client, "/api/v1/ml/daily-mix?user_id=u-0&limit=2", admin);
            assertThat(before.json().get("model_version").asText()).isEqualTo("als-1");
            assertThat(before.json().get("experiment").isNull()).as("no experiment runs yet").isTrue();

            Http.Answer created = post(client, "/api/v1/experiments", admin, "{\"name\": \"rank\", \"arms\": ["
                    + "{\"name\": \"control\", \"model_version\": \"als-1\"}, {\"name\": \"candidate\", \"model_version\": \"als-2\"}]}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String experiment = created.json().get("experiment_id").asText();

            Map<String, Integer> perArm = new HashMap<>();
            for (int u = 0; u < LISTENERS; u++) {
                String user = "u-" + u;
                JsonNode assigned = get(client, "/api/v1/experiments/" + experiment + "/assignment?user_id=" + user, admin).json();
                String version = assigned.get("model_version").asText();
                JsonNode mix = get(client, "/api/v1/ml/daily-mix?user_id=" + user + "&limit=2", admin).json();
                assertThat(mix.get("model_version").asText()).as(user).isEqualTo(version);
                assertThat(trackIds(mix)).as(user).containsExactlyElementsOf(LISTS.get(version).get(user));
                assertThat(mix.at("/experiment/experiment_id").asText()).isEqualTo(experiment);
                assertThat(mix.at("/experiment/arm").asText()).as(user).isEqualTo(assigned.get("arm").asText());
                assertThat(mix.at("/experiment/model_version").asText()).isEqualTo(version);
                perArm.merge(assigned.get("arm").asText(), 1, Integer::sum);
            }
            assertThat(perArm).as("both arms serve someone").containsOnlyKeys("control", "candidate");

            assertThat(post(client, "/api/v1/experiments/" + experiment + "/stop", admin, null).status()).isEqualTo(200);
            for (int u = 0; u < LISTENERS; u++) {
                JsonNode mix = get(client, "/api/v1/ml/daily-mix?user_id=u-" + u + "&limit=2", admin).json();
                assertThat(mix.get("model_version").asText()).isEqualTo("als-1");
                assertThat(mix.get("experiment").isNull()).isTrue();
            }
        });
    }

    @Test
    void anArmWhoseVersionHasNoListForTheListenerIsNotClaimed() {
        JavalinTest.test(stack.app(), (server, client) -> {
            Http.Answer created = post(client, "/api/v1/experiments", admin, "{\"name\": \"missing\", \"arms\": ["
                    + "{\"name\": \"a\", \"model_version\": \"als-9\"}, {\"name\": \"b\", \"model_version\": \"als-8\"}]}");
            assertThat(created.status()).isEqualTo(201);
            try {
                JsonNode mix = get(client, "/api/v1/ml/daily-mix?user_id=u-3&limit=2", admin).json();
                assertThat(mix.get("model_version").asText()).as("the active version answers").isEqualTo("als-1");
                assertThat(mix.get("experiment").isNull()).as("and no arm is claimed for it").isTrue();
            } finally {
                post(client, "/api/v1/experiments/" + created.json().get("experiment_id").asText() + "/stop", admin, null);
            }
        });
    }
}
