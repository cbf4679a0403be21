package io.tunetrail.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.testing.MutableClock;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.CanarySplit;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureView;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canaries against the real PostgreSQL and Redis: the nightly promotion starts one on the pro plan instead of
 * promoting, the read script serves the candidate to exactly the listeners the split names, and the decision promotes
 * on an equal outcome, rolls back on a worse one, extends once on too little feedback, waits out a platform freeze,
 * and happens once when raced.
 */
class ModelCanaryIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    private static final FeatureView RECS = FeatureViews.USER_RECOMMENDATIONS;
    private static final List<String> LISTENERS = IntStream.range(0, 400).mapToObj(i -> "u-" + i).toList();
    private static HikariDataSource pool;

    /** Moved past the canary's end by the tests. */
    private final MutableClock clock = new MutableClock(Instant.now());
    private ModelRegistry registry;
    private RedisOnlineStore online;
    private ModelCanaries canaries;

    @BeforeAll
    static void pool() {
        pool = Database.connect(DB.config(), 8);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @AfterEach
    void thaw() {
        new PlatformModelFreeze(pool).set(false, "", "test");
    }

    /** An org on {@code plan} with als 1.0 active and 1.1 registered, both with a list for every listener. */
    private String orgWithCandidate(String plan) throws SQLException {
        registry = new ModelRegistry(pool, PlanCatalog.load());
        online = REDIS.store();
        canaries = new ModelCanaries(pool, registry, new ModelSwitch(pool, registry, online), online, clock, 20);
        String org = REDIS.newOrgId(plan + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + org + "', 'Org', '" + plan + "')");
        for (int i = 0; i < 2; i++) {
            ModelVersion v = registry.register(org, "als", Map.of("rank", 8), Map.of());
            List<FeatureRow> rows = new ArrayList<>();
            for (String u : LISTENERS) {
                rows.add(new FeatureRow(u, Map.of("track_ids", List.of("t-" + i), "scores", List.of(1.0), "model_version", v.label())));
            }
            online.writeBatch(org, RECS, v.label(), rows);
            if (i == 0) {
                assertThat(registry.promote(v.id()).promoted()).isTrue();
                online.activateVersion(org, RECS, v.label());
            }
        }
        return org;
    }

    private ModelVersion candidate(String org) {
        return registry.versions(org, "als").get(0);
    }

    private void feedback(String org, String version, int likes, int skips) {
        String key = RedisKeys.feedback(org, version);
        REDIS.jedis().hincrBy(key, "like", likes);
        REDIS.jedis().hincrBy(key, "skip", skips);
    }

    /** The scheduled decisions of {@code org}'s canaries (the database holds other tests' too). */
    private List<ModelCanaries.Decision> due(String org) {
        return canaries.decideDue().stream().filter(d -> d.canary().orgId().equals(org)).toList();
    }

    private static long count(String sql) throws SQLException {
        try (java.sql.Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theNightlyPromotionStartsACanaryWhoseShareIsServedInTheSameRead() throws Exception {
        String org = orgWithCandidate("pro");
        ModelVersion candidate = candidate(org);
        Promotion p = canaries.promoteOrStart(candidate.id());
        assertThat(p.promoted()).isFalse();
        assertThat(p.canaryId()).isNotNull();
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.0");
        assertThat(canaries.promoteOrStart(candidate.id()).canaryId()).as("a rerun finds its canary").isEqualTo(p.canaryId());

        ModelCanaries.Canary canary = canaries.latest(org, "als").orElseThrow();
        assertThat(canary.state()).isEqualTo(ModelCanaries.State.RUNNING);
        assertThat(canary.sharePercent()).isEqualTo(10);
        assertThat(Duration.between(canary.startedAt(), canary.endsAt())).isEqualTo(Duration.ofHours(48));
        CanarySplit split = CanarySplit.of(org, p.canaryId(), "1.1", 10);

        Map<String, FeatureRow> rows = online.read(org, RECS, LISTENERS);
        long inCanary = 0;
        for (String u : LISTENERS) {
            String served = rows.get(u).getString(FeatureView.MODEL_VERSION);
            assertThat(served).as(u).isEqualTo(split.servesCandidate(u) ? "1.1" : "1.0");
            assertThat(online.readViews(org, u, List.of(RECS)).get(RECS).getString(FeatureView.MODEL_VERSION)).as(u).isEqualTo(served);
            inCanary += served.equals("1.1") ? 1 : 0;
        }
        assertThat(inCanary).isBetween(20L, 70L);
        String outside = LISTENERS.stream().filter(u -> !split.servesCandidate(u)).findFirst().orElseThrow();
        String inside = LISTENERS.stream().filter(split::servesCandidate).findFirst().orElseThrow();
        REDIS.jedis().del(RedisKeys.versionedRow(org, RECS, inside, "1.1"));
        assertThat(online.read(org, RECS, List.of(inside, outside)).get(inside).getString(FeatureView.MODEL_VERSION))
                .as("a listener the candidate has no list for gets the active version's").isEqualTo("1.0");

        ModelVersion newer = registry.register(org, "als", Map.of("rank", 8), Map.of());
        Promotion waits = canaries.promoteOrStart(newer.id());
        assertThat(waits.promoted()).isFalse();
        assertThat(waits.canaryId()).isNull();
        assertThat(waits.reason()).contains("waits");
    }

    @Test
    void plansWithoutACanaryAndFrozenPlatformsStartNone() throws Exception {
        String starter = orgWithCandidate("starter");
        assertThat(canaries.promoteOrStart(candidate(starter).id()).promoted()).isTrue();
        assertThat(canaries.latest(starter, "als")).isEmpty();

        String pro = orgWithCandidate("pro");
        new PlatformModelFreeze(pool).set(true, "incident", "test");
        Promotion frozen = canaries.promoteOrStart(candidate(pro).id());
        assertThat(frozen.promoted()).isFalse();
        assertThat(frozen.canaryId()).isNull();
        assertThat(canaries.latest(pro, "als")).isEmpty();
        assertThat(REDIS.jedis().get(RedisKeys.canary(pro, RECS))).isNull();
    }

    @Test
    void anEqualOutcomePromotesAndTheShareEnds() throws Exception {
        String org = orgWithCandidate("pro");
        feedback(org, "1.0", 500, 500); // before the canary: the baseline leaves it out
        long id = canaries.promoteOrStart(candidate(org).id()).canaryId();
        feedback(org, "1.1", 30, 10);
        feedback(org, "1.0", 300, 100);
        assertThat(due(org)).as("not due yet").isEmpty();
        clock.advance(Duration.ofHours(49));
        List<ModelCanaries.Decision> decided = due(org);
        assertThat(decided).hasSize(1);
        ModelCanaries.Decision d = decided.get(0);
        assertThat(d.result()).isEqualTo("promoted");
        assertThat(d.outcome().active().positiveRate()).isEqualTo(0.75);
        assertThat(d.outcome().regressionPercent()).isEqualTo(0.0);
        assertThat(d.canary().state()).isEqualTo(ModelCanaries.State.PROMOTED);
        assertThat(d.canary().decidedBy()).isEqualTo(ModelCanaries.DECIDER);
        assertThat(d.canary().figures()).containsEntry("regression_percent", 0.0);
        assertThat(((Number) d.canary().figures().get("canary_id")).longValue()).isEqualTo(id);
        assertThat(d.change().action()).isEqualTo("canary_promote");
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.1");
        assertThat(online.activeVersion(org, RECS)).contains("1.1");
        assertThat(REDIS.jedis().get(RedisKeys.canary(org, RECS))).isNull();
        assertThat(online.read(org, RECS, LISTENERS).values()).allSatisfy(r -> assertThat(r.getString(FeatureView.MODEL_VERSION)).isEqualTo("1.1"));
    }

    @Test
    void aWorseOutcomeRollsBackAndTheActiveVersionServesEveryone() throws Exception {
        String org = orgWithCandidate("pro");
        canaries.promoteOrStart(candidate(org).id());
        feedback(org, "1.1", 20, 20); // 0.50
        feedback(org, "1.0", 60, 20); // 0.75: the candidate is 33 % worse, beyond 5 %
        clock.advance(Duration.ofHours(48));
        ModelCanaries.Decision d = due(org).get(0);
        assertThat(d.result()).isEqualTo("rolled_back");
        assertThat(d.outcome().regressionPercent()).isCloseTo(33.33, within(0.01));
        assertThat(d.change().action()).isEqualTo("canary_rollback");
        assertThat(d.change().from().version()).hasToString("1.1");
        assertThat(d.change().to().version()).hasToString("1.0");
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.0");
        assertThat(registry.versions(org, "als").get(0).status()).isEqualTo(ModelVersion.Status.RETIRED);
        assertThat(online.read(org, RECS, LISTENERS).values()).allSatisfy(r -> assertThat(r.getString(FeatureView.MODEL_VERSION)).isEqualTo("1.0"));
        assertThat(count("SELECT count(*) FROM model_version_changes WHERE org_id = '" + org + "' AND action = 'canary_rollback'"))
                .isEqualTo(1);
    }

    @Test
    void tooLittleFeedbackExtendsOnceThenKeepsTheActiveVersion() throws Exception {
        String org = orgWithCandidate("pro");
        canaries.promoteOrStart(candidate(org).id());
        feedback(org, "1.1", 5, 0);
        feedback(org, "1.0", 50, 10);
        clock.advance(Duration.ofHours(48));
        ModelCanaries.Decision first = due(org).get(0);
        assertThat(first.result()).isEqualTo("extended");
        assertThat(first.canary().state()).isEqualTo(ModelCanaries.State.RUNNING);
        assertThat(due(org)).as("due again only at the extended end").isEmpty();
        clock.advance(Duration.ofHours(48));
        ModelCanaries.Decision second = due(org).get(0);
        assertThat(second.result()).isEqualTo("rolled_back");
        assertThat(second.reason()).contains("too little feedback");
    }

    @Test
    void aFreezePostponesTheDecidersPromotionAndRefusesAnApprovalButLetsAnOwnerAbort() throws Exception {
        String org = orgWithCandidate("pro");
        canaries.promoteOrStart(candidate(org).id());
        feedback(org, "1.1", 30, 10);
        feedback(org, "1.0", 30, 10);
        new PlatformModelFreeze(pool).set(true, "incident", "test");
        clock.advance(Duration.ofHours(49));

        ModelCanaries.Decision postponed = due(org).get(0);
        assertThat(postponed.result()).as("an equal outcome would promote").isEqualTo("postponed");
        assertThat(postponed.reason()).contains("frozen");
        assertThat(postponed.canary().state()).isEqualTo(ModelCanaries.State.RUNNING);
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.0");
        assertThat(REDIS.jedis().get(RedisKeys.canary(org, RECS))).as("the share is still served").isNotNull();

        ModelCanaries.Canary running = canaries.latest(org, "als").orElseThrow();
        assertThat(catchThrowableOfType(StoreException.class, () -> canaries.decide(running, ModelCanaries.Verdict.APPROVE,
                new ModelSwitch.Actor("key-owner", null), "key-owner")).kind())
                .isEqualTo(StoreException.Kind.CONFLICT);
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.0");
        assertThat(count("SELECT count(*) FROM model_version_changes WHERE org_id = '" + org + "'")).as("nothing half-applied").isZero();

        // Rolling back is the emergency action, so an abort goes through while frozen.
        ModelCanaries.Decision aborted = canaries.decide(running, ModelCanaries.Verdict.ABORT, new ModelSwitch.Actor("key-owner", null), "key-owner");
        assertThat(aborted.result()).isEqualTo("aborted");
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.0");
        assertThat(REDIS.jedis().get(RedisKeys.canary(org, RECS))).isNull();
    }

    @Test
    void twoDecisionsAtOnceDecideOnce() throws Exception {
        String org = orgWithCandidate("pro");
        canaries.promoteOrStart(candidate(org).id());
        ModelCanaries.Canary c = canaries.latest(org, "als").orElseThrow();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<ModelCanaries.Decision> approve = two.submit(() -> canaries.decide(c, ModelCanaries.Verdict.APPROVE,
                    new ModelSwitch.Actor("key-a", null), "key-a"));
            Future<ModelCanaries.Decision> abort = two.submit(() -> canaries.decide(c, ModelCanaries.Verdict.ABORT,
                    new ModelSwitch.Actor("key-b", null), "key-b"));
            List<String> results = List.of(approve.get().result(), abort.get().result());
            assertThat(results).containsOnlyOnce("already_decided");
            assertThat(results).containsAnyOf("approved", "aborted");
        } finally {
            two.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM model_version_changes WHERE org_id = '" + org + "'")).isEqualTo(1);
    }
}
