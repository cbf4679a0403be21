package io.tunetrail.api;

import static io.tunetrail.api.testing.Http.assertProblem;
import static io.tunetrail.api.testing.Http.get;
import static io.tunetrail.api.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.api.testing.ApiTestStack;
import io.tunetrail.api.service.VersionAvailableAnnouncer;
import io.tunetrail.api.testing.Http;
import io.tunetrail.api.testing.TestResolver;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.CanarySplit;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelCanaries;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.registry.ModelWatcher;
import io.tunetrail.store.testing.TestCatalogs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model canary through the API against the real PostgreSQL and Redis: the daily mix serves the candidate to the
 * listeners the stable split names, feedback posted through the API with the served model_version decides the outcome
 * (equal: promoted; worse: rolled back), and owners approve or abort, audited, where others get 403 and nothing
 * running 409.
 */
class ModelCanaryIT {

    @RegisterExtension
    static final ApiTestStack stack = new ApiTestStack();

    private static final List<String> LISTENERS = IntStream.range(0, 200).mapToObj(i -> "listener-" + i).toList();

    private record Org(String id, String ownerKey, String adminKey, String readKey) {}

    /** A pro org with als 1.0 active and 1.1 registered, a list of each for every listener, an owner and an admin member. */
    private static Org proOrg(String name) {
        String org = stack.redis.newOrgId(name);
        new PostgresCatalogStore(stack.db.dataSource()).load(TestCatalogs.synthetic(org, "pro", 20, 5));
        TeamStore teams = new TeamStore(stack.sql());
        String team = teams.createTeam(org, "team-" + name, "Team").teamId();
        TeamStore.Member owner = teams.addMember(org, team, "owner-" + name, "owner@" + name + ".example", "owner");
        TeamStore.Member admin = teams.addMember(org, team, "admin-" + name, "admin@" + name + ".example", "admin");
        ApiKeyStore keys = new ApiKeyStore(stack.sql());
        List<String> all = List.of("read", "write", "admin");
        ModelRegistry registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
        RedisOnlineStore online = stack.redis.store();
        for (int i = 0; i < 2; i++) {
            ModelVersion v = newVersion(org, i);
            if (i == 0) {
                registry.promote(v.id());
                online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, v.label());
            }
        }
        return new Org(org, keys.create(org, null, owner.memberId(), "owner key", all, null).secret(),
                keys.create(org, null, admin.memberId(), "admin key", all, null).secret(), stack.key(org, "read", "write"));
    }

    /** Registers the org's next als version with a list (track t:{@code track}) for every listener. */
    private static ModelVersion newVersion(String org, int track) {
        ModelVersion v = new ModelRegistry(stack.db.dataSource(), stack.plans).register(org, "als", Map.of("rank", 8), Map.of());
        List<FeatureRow> rows = new ArrayList<>();
        for (String u : LISTENERS) {
            rows.add(new FeatureRow(u, Map.of("track_ids", List.of("t:" + track), "scores", List.of(1.0), "model_version", v.label())));
        }
        stack.redis.store().writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, v.label(), rows);
        return v;
    }

    private static long candidateId(String org) {
        return new ModelRegistry(stack.db.dataSource(), stack.plans).versions(org, "als").get(0).id();
    }

    /** The version the daily mix serves each listener (asked twice: the same arm every time). */
    private static Map<String, String> served(io.javalin.testtools.HttpClient client, Org org) {
        Map<String, String> served = new HashMap<>();
        for (String u : LISTENERS) {
            paced();
            Http.Answer first = get(client, "/api/v1/ml/daily-mix?user_id=" + u + "&limit=1", org.readKey());
            assertThat(first.status()).as(first.text()).isEqualTo(200);
            String v = first.json().get("model_version").asText();
            paced();
            String again = get(client, "/api/v1/ml/daily-mix?user_id=" + u + "&limit=1", org.readKey()).json().get("model_version").asText();
            assertThat(again).as("the same listener gets the same arm").isEqualTo(v);
            served.put(u, v);
        }
        return served;
    }

    private static int calls;

    /** Keeps one key under the pro plan's 100 requests per second. */
    private static void paced() {
        if (++calls % 20 == 0) {
            stack.clock.advance(Duration.ofSeconds(1));
        }
    }

    /** Each listener reports {@code likes} likes and {@code skips} skips on what they were served, through the API. */
    private static void feedback(io.javalin.testtools.HttpClient client, Org org, String listener, String version, int likes, int skips) {
        for (int i = 0; i < likes + skips; i++) {
            paced();
            Http.Answer a = post(client, "/api/v1/recommendations/feedback", org.readKey(), "{\"user_id\": \"" + listener
                    + "\", \"track_id\": \"t:" + i + "\", \"feedback\": \"" + (i < likes ? "like" : "skip") + "\", \"model_version\": \""
                    + version + "\", \"client_event_id\": \"" + listener + "-" + version + "-" + i + "\"}");
            assertThat(a.status()).as(a.text()).isEqualTo(202);
        }
    }

    private static List<ModelCanaries.Decision> decideDue(Javalin app, String org) {
        stack.clock.advance(Duration.ofHours(49));
        return ServingApp.canaries(app).decideDue().stream().filter(d -> d.canary().orgId().equals(org)).toList();
    }

    /** Starts the canary, checks the split the daily mix serves, and has each arm's listeners report feedback. */
    private static long runCanary(Javalin app, io.javalin.testtools.HttpClient client, Org org, int[] candidateLikesSkips,
            int[] activeLikesSkips) {
        long id = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
        JsonNode shown = get(client, "/api/v1/models/canary", org.readKey()).json();
        assertThat(shown.get("state").asText()).isEqualTo("running");
        assertThat(shown.get("candidate").get("version").asText()).isEqualTo("1.1");
        assertThat(shown.get("active").get("version").asText()).isEqualTo("1.0");
        assertThat(shown.get("share_percent").asInt()).isEqualTo(10);

        CanarySplit split = CanarySplit.of(org.id(), id, "1.1", 10);
        Map<String, String> served = served(client, org);
        served.forEach((u, v) -> assertThat(v).as(u).isEqualTo(split.servesCandidate(u) ? "1.1" : "1.0"));
        long inCanary = served.values().stream().filter("1.1"::equals).count();
        assertThat(inCanary).isBetween(8L, 40L);
        served.forEach((u, v) -> {
            int[] f = v.equals("1.1") ? candidateLikesSkips : activeLikesSkips;
            feedback(client, org, u, v, f[0], f[1]);
        });
        JsonNode live = get(client, "/api/v1/models/canary", org.readKey()).json().get("figures");
        assertThat(live.get("candidate").get("positive").asLong()).isEqualTo(inCanary * candidateLikesSkips[0]);
        assertThat(live.get("active").get("negative").asLong()).isEqualTo((LISTENERS.size() - inCanary) * activeLikesSkips[1]);
        return id;
    }

    @Test
    void anEqualOutcomeIsPromotedAndThenServedToEveryone() {
        Org org = proOrg("canary-equal");
        Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            // 2 of 3 positive in both arms; the candidate's arm has fewer listeners, so each reports more to reach 100.
            long id = runCanary(app, client, org, new int[] {8, 4}, new int[] {2, 1});
            List<ModelCanaries.Decision> decided = decideDue(app, org.id());
            assertThat(decided).hasSize(1);
            assertThat(decided.get(0).result()).as(decided.get(0).reason()).isEqualTo("promoted");

            assertThat(served(client, org).values()).containsOnly("1.1");
            JsonNode canary = get(client, "/api/v1/models/canary", org.readKey()).json();
            assertThat(canary.get("canary_id").asLong()).isEqualTo(id);
            assertThat(canary.get("state").asText()).isEqualTo("promoted");
            assertThat(canary.get("decided_by").asText()).isEqualTo(ModelCanaries.DECIDER);
            assertThat(canary.get("figures").get("regression_percent").asDouble()).isEqualTo(0.0);

            JsonNode log = get(client, "/api/v1/audit-log?action=model", org.ownerKey()).json().get("entries");
            assertThat(log).hasSize(1);
            assertThat(log.get(0).get("action").asText()).isEqualTo("model.canary_promoted");
            assertThat(log.get(0).get("actor_type").asText()).isEqualTo("operator");
            assertThat(log.get(0).get("details").get("candidate").get("positive_rate").asDouble()).isCloseTo(2.0 / 3,
                    within(1e-9));
        });
    }

    @Test
    void theMinimumJudgementsComeFromTheConfiguration() {
        Org org = proOrg("canary-config");
        // api.canary.min-judgements = 1: one like in each arm decides on the figures (the default, 100, would extend it).
        Javalin app = stack.app(s -> s.withCanary(new ApiSettings.Canary(1, Duration.ofSeconds(60))));
        JavalinTest.test(app, (server, client) -> {
            long id = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
            CanarySplit split = CanarySplit.of(org.id(), id, "1.1", 10);
            feedback(client, org, LISTENERS.stream().filter(split::servesCandidate).findFirst().orElseThrow(), "1.1", 1, 0);
            feedback(client, org, LISTENERS.stream().filter(u -> !split.servesCandidate(u)).findFirst().orElseThrow(), "1.0", 1, 0);
            List<ModelCanaries.Decision> decided = decideDue(app, org.id());
            assertThat(decided).singleElement().satisfies(d -> assertThat(d.result()).as(d.reason()).isEqualTo("promoted"));
        });
    }

    @Test
    void anExtendedCanaryKeepsBothArmsRowsAliveUntilTheViewsTtlAfterItsEnd() {
        Org org = proOrg("canary-ttl");
        Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            // Rows written a while ago: an hour left. Starting the canary keeps them to its end plus the view's TTL.
            expireArms(org.id(), Duration.ofHours(1));
            long id = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
            Duration afterEnd = FeatureViews.USER_RECOMMENDATIONS.ttl();
            assertArmsLiveAtLeast(org.id(), Duration.ofHours(48).plus(afterEnd));

            // 49 h later without feedback: extended by 48 h. Rows are as short-lived again as they would then be.
            expireArms(org.id(), Duration.ofHours(1));
            List<ModelCanaries.Decision> decided = decideDue(app, org.id());
            assertThat(decided).singleElement().satisfies(d -> assertThat(d.result()).isEqualTo("extended"));
            assertArmsLiveAtLeast(org.id(), Duration.ofHours(47).plus(afterEnd));
            // Still served: the listeners in the share get the candidate's rows, the others the active version's.
            CanarySplit split = CanarySplit.of(org.id(), id, "1.1", 10);
            served(client, org).forEach((u, v) -> assertThat(v).as(u).isEqualTo(split.servesCandidate(u) ? "1.1" : "1.0"));
        });
    }

    @Test
    void whenACanaryIsDecidedTheNewestCandidateThatWaitedStartsTheNextOne() {
        Org org = proOrg("canary-waiting");
        Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            long first = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
            // Two nightly runs while it runs: both wait.
            for (int track = 5; track < 7; track++) {
                ModelVersion waiting = newVersion(org.id(), track);
                assertThat(ServingApp.canaries(app).promoteOrStart(waiting.id()).reason()).contains("waits");
            }
            Http.Answer approved = post(client, "/api/v1/models/canary/approve", org.ownerKey(), "{}");
            assertThat(approved.status()).as(approved.text()).isEqualTo(200);
            assertThat(approved.json().get("canary").get("canary_id").asLong()).isEqualTo(first);

            JsonNode next = get(client, "/api/v1/models/canary", org.readKey()).json();
            assertThat(next.get("canary_id").asLong()).isNotEqualTo(first);
            assertThat(next.get("state").asText()).isEqualTo("running");
            assertThat(next.get("candidate").get("version").asText()).as("the newest waiting").isEqualTo("1.3");
            assertThat(next.get("active").get("version").asText()).isEqualTo("1.1");
            assertThat(new ModelRegistry(stack.db.dataSource(), stack.plans).versions(org.id(), "als"))
                    .filteredOn(v -> v.label().equals("1.2")).singleElement()
                    .satisfies(v -> assertThat(v.status()).as("superseded, left a candidate").isEqualTo(ModelVersion.Status.CANDIDATE));
            CanarySplit split = CanarySplit.of(org.id(), next.get("canary_id").asLong(), "1.3", 10);
            served(client, org).forEach((u, v) -> assertThat(v).as(u).isEqualTo(split.servesCandidate(u) ? "1.3" : "1.1"));
        });
    }

    private static void expireArms(String org, Duration ttl) {
        for (String version : List.of("1.0", "1.1")) {
            for (String u : LISTENERS) {
                stack.redis.jedis().pexpire(RedisKeys.versionedRow(org, FeatureViews.USER_RECOMMENDATIONS, u, version), ttl.toMillis());
            }
        }
    }

    private static void assertArmsLiveAtLeast(String org, Duration ttl) {
        for (String version : List.of("1.0", "1.1")) {
            for (String u : LISTENERS) {
                // A minute of slack for the time the test itself takes.
                assertThat(stack.redis.jedis().pttl(RedisKeys.versionedRow(org, FeatureViews.USER_RECOMMENDATIONS, u, version)))
                        .as(version + " " + u).isGreaterThanOrEqualTo(ttl.minusMinutes(1).toMillis());
            }
        }
    }

    @Test
    void aWorseOutcomeIsRolledBackAndTheActiveVersionServesEveryone() {
        Org org = proOrg("canary-worse");
        Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            runCanary(app, client, org, new int[] {4, 8}, new int[] {2, 1});
            List<ModelCanaries.Decision> decided = decideDue(app, org.id());
            assertThat(decided.get(0).result()).as(decided.get(0).reason()).isEqualTo("rolled_back");
            assertThat(decided.get(0).outcome().regressionPercent()).isCloseTo(50.0, within(1e-9));

            assertThat(served(client, org).values()).containsOnly("1.0");
            JsonNode canary = get(client, "/api/v1/models/canary", org.readKey()).json();
            assertThat(canary.get("state").asText()).isEqualTo("rolled_back");
            assertThat(canary.get("candidate").get("status").asText()).isEqualTo("retired");
            assertThat(get(client, "/api/v1/audit-log?action=model", org.ownerKey()).json().get("entries").get(0).get("action").asText())
                    .isEqualTo("model.canary_rolled_back");
        });
    }

    @Test
    void ownersApproveOrAbortOthersMayNotAndNothingRunningIsAConflict() {
        Org org = proOrg("canary-owner");
        Org other = proOrg("canary-other");
        Javalin app = stack.app();
        JavalinTest.test(app, (server, client) -> {
            assertProblem(get(client, "/api/v1/models/canary", org.readKey()), 404, "not_found", null);
            assertProblem(post(client, "/api/v1/models/canary/approve", org.ownerKey(), "{}"), 409, "no_canary_running", null);
            assertProblem(post(client, "/api/v1/models/canary/abort", org.ownerKey(), "{}"), 409, "no_canary_running", null);

            long id = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
            long otherId = ServingApp.canaries(app).promoteOrStart(candidateId(other.id())).canaryId();
            assertProblem(post(client, "/api/v1/models/canary/approve", org.adminKey(), "{}"), 403, "insufficient_role", null);
            assertProblem(post(client, "/api/v1/models/canary/abort", org.readKey(), "{}"), 403, "insufficient_scope", null);
            assertProblem(post(client, "/api/v1/models/canary/abort", org.ownerKey(), "{\"canary_id\": " + otherId + "}"), 404, "not_found", null);
            assertProblem(post(client, "/api/v1/models/canary/abort", org.ownerKey(), "{\"algorithm\": \"ALS\"}"), 400, "invalid_field", "algorithm");
            assertThat(get(client, "/api/v1/models/canary", other.readKey()).json().get("canary_id").asLong()).isEqualTo(otherId);

            Http.Answer aborted = post(client, "/api/v1/models/canary/abort", org.ownerKey(), "{\"canary_id\": " + id + "}");
            assertThat(aborted.status()).as(aborted.text()).isEqualTo(200);
            assertThat(aborted.json().get("result").asText()).isEqualTo("aborted");
            assertThat(aborted.json().get("canary").get("state").asText()).isEqualTo("aborted");
            assertThat(served(client, org).values()).containsOnly("1.0");
            assertProblem(post(client, "/api/v1/models/canary/approve", org.ownerKey(), "{\"canary_id\": " + id + "}"), 409,
                    "no_canary_running", null);

            // The next version's canary, approved: promoted at once, before its period is over.
            newVersion(org.id(), 5);
            long next = ServingApp.canaries(app).promoteOrStart(candidateId(org.id())).canaryId();
            Http.Answer approved = post(client, "/api/v1/models/canary/approve", org.ownerKey(), "{}");
            assertThat(approved.status()).as(approved.text()).isEqualTo(200);
            assertThat(approved.json().get("canary").get("canary_id").asLong()).isEqualTo(next);
            assertThat(approved.json().get("canary").get("state").asText()).isEqualTo("approved");
            assertThat(served(client, org).values()).containsOnly("1.2");

            JsonNode log = get(client, "/api/v1/audit-log?action=model", org.ownerKey()).json().get("entries");
            assertThat(log).extracting(e -> e.get("action").asText()).containsExactly("model.canary_promoted", "model.canary_rolled_back");
            assertThat(log).allSatisfy(e -> assertThat(e.get("actor_type").asText()).isEqualTo("api_key"));
            assertThat(get(client, "/api/v1/models/canary", other.readKey()).json().get("state").asText()).as("the other org's runs on")
                    .isEqualTo("running");
        });
    }

    @Test
    void theWatcherAnnouncesANewerVersionOnceWithAnAlertToAPinnedOrgAndNeverToAnUnpinnedOne() {
        String pinnedOrg = stack.org("watch-pinned", "enterprise");
        String freeOrg = stack.org("watch-free", "starter");
        String admin = stack.key(pinnedOrg, "read", "admin");
        ModelRegistry registry = new ModelRegistry(stack.db.dataSource(), stack.plans);
        ModelWatcher watcher = new ModelWatcher(stack.db.dataSource(), registry);
        for (String org : List.of(pinnedOrg, freeOrg)) {
            registry.promote(registry.register(org, "als", Map.of("rank", 8), Map.of()).id());
        }
        registry.pin(pinnedOrg, registry.active(pinnedOrg, "als").orElseThrow().id());
        Javalin app = stack.app(ApiTestStack.loopbackWebhooks(new TestResolver()), 0);
        JavalinTest.test(app, (server, client) -> {
            // Registered, never sent: dispatch is off in this app, so nothing connects to the address.
            assertThat(post(client, "/api/v1/webhooks", admin, "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": [\""
                    + VersionAvailableAnnouncer.EVENT + "\"]}").status()).isEqualTo(201);
            VersionAvailableAnnouncer announcer = new VersionAvailableAnnouncer(stack.sql(), ServingApp.webhooks(app));
            for (int night = 0; night < 2; night++) {
                for (String org : List.of(pinnedOrg, freeOrg)) {
                    ModelVersion v = registry.versions(org, "als").get(0);
                    if (v.status() != ModelVersion.Status.CANDIDATE) {
                        v = registry.register(org, "als", Map.of("rank", 8), Map.of());
                    }
                    // The chain's promote step, run twice for the same version on the second night (a rerun).
                    assertThat(watcher.watch(ServingApp.canaries(app).promoteOrStart(v.id()))).isEqualTo(org.equals(pinnedOrg) && night == 0);
                    if (org.equals(pinnedOrg)) {
                        assertThat(watcher.watch(ServingApp.canaries(app).promoteOrStart(v.id()))).as("once per version").isFalse();
                    }
                }
                announcer.announce();
                announcer.announce();
            }
            List<String> payloads = stack.sql().list("deliveries", "SELECT payload::text FROM webhook_deliveries WHERE org_id = ? AND event_type = ?",
                    ps -> {
                        ps.setString(1, pinnedOrg);
                        ps.setString(2, VersionAvailableAnnouncer.EVENT);
                    }, rs -> rs.getString(1));
            assertThat(payloads).hasSize(1);
            assertThat(payloads.get(0)).contains("\"version\": \"1.1\"").contains("\"pinned_version\": \"1.0\"");

            // The same version as one alert, listed and acknowledged like the quota alerts; none for the unpinned org.
            JsonNode alerts = get(client, "/api/v1/alerts", admin).json().get("alerts");
            assertThat(alerts).hasSize(1);
            JsonNode alert = alerts.get(0);
            assertThat(alert.get("kind").asText()).isEqualTo("model_version");
            assertThat(alert.get("algorithm").asText()).isEqualTo("als");
            assertThat(alert.get("version").asText()).isEqualTo("1.1");
            assertThat(alert.get("model_version_id").asLong()).isEqualTo(registry.versions(pinnedOrg, "als").get(0).id());
            assertThat(alert.get("threshold_percent").isNull()).isTrue();
            assertThat(payloads.get(0)).contains("\"alert_id\": " + alert.get("alert_id").asLong());
            Http.Answer acknowledged = post(client, "/api/v1/alerts/" + alert.get("alert_id").asLong() + "/acknowledge", admin, "{}");
            assertThat(acknowledged.status()).as(acknowledged.text()).isEqualTo(200);
            assertThat(acknowledged.json().get("acknowledged").asBoolean()).isTrue();
            assertThat(get(client, "/api/v1/alerts?acknowledged=false", admin).json().get("alerts")).isEmpty();
            assertThat(stack.sql().list("alerts", "SELECT 1 FROM alerts WHERE org_id = ?", ps -> ps.setString(1, freeOrg), rs -> rs.getInt(1)))
                    .isEmpty();
            assertThat(stack.sql().list("notices", "SELECT 1 FROM model_version_notices WHERE org_id = ?", ps -> ps.setString(1, freeOrg),
                    rs -> rs.getInt(1))).isEmpty();
        });
    }
}
