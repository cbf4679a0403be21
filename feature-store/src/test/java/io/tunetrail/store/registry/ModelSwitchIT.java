package io.tunetrail.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.online.FeatureRow;
import io.tunetrail.store.online.FeatureViews;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.LockWaiters;
import io.tunetrail.store.testing.RedisNamespace;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollback and pin take effect in their own transaction, against the real PostgreSQL and Redis: the online pointer
 * flips with the registry, the change is recorded with who and when, racing rollbacks go back one version, and the
 * platform freeze stops promotions and pins but not rollbacks.
 */
class ModelSwitchIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    private static final ModelSwitch.Actor ADMIN = new ModelSwitch.Actor("key-admin", "member-1");
    /** Room for the racing threads and the connection that holds the lineage lock (FreshDatabase's pool has 4). */
    private static HikariDataSource pool;

    private ModelRegistry registry;
    private RedisOnlineStore online;
    private ModelSwitch modelSwitch;

    @BeforeAll
    static void pool() {
        pool = Database.connect(DB.config(), 12);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @AfterEach
    void thaw() {
        new PlatformModelFreeze(pool).set(false, "", "test");
    }

    private void wire() {
        registry = new ModelRegistry(pool, PlanCatalog.load());
        online = REDIS.store();
        modelSwitch = new ModelSwitch(pool, registry, online);
    }

    /** An org on {@code plan} with als versions 1.0 .. 1.(n-1), each promoted in turn and written to Redis; the last active. */
    private String orgWithVersions(String plan, int n) throws SQLException {
        wire();
        String org = REDIS.newOrgId(plan + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + org + "', 'Org', '" + plan + "')");
        for (int i = 0; i < n; i++) {
            ModelVersion v = registry.register(org, "als", Map.of("rank", 8), Map.of());
            online.writeBatch(org, FeatureViews.USER_RECOMMENDATIONS, v.label(), List.of(new FeatureRow("u-1",
                    Map.of("track_ids", List.of("t-" + i), "scores", List.of(1.0), "model_version", v.label()))));
            assertThat(registry.promote(v.id()).promoted()).isTrue();
            online.activateVersion(org, FeatureViews.USER_RECOMMENDATIONS, v.label());
        }
        return org;
    }

    @Test
    void aRollbackFlipsTheOnlinePointerInItsTransactionAndRecordsWhoAndWhen() throws Exception {
        String org = orgWithVersions("starter", 3);
        Instant before = Instant.now().minusSeconds(1);
        ModelSwitch.RollbackResult r = modelSwitch.rollback(org, "als", "1.2", ADMIN);
        assertThat(r.moved()).isFalse();
        ModelSwitch.Change c = r.change();
        assertThat(c.from().version()).hasToString("1.2");
        assertThat(c.to().version()).hasToString("1.1");
        assertThat(c.onlineRows()).isTrue();
        assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).as("readers switch at once").contains("1.1");
        assertThat(online.read(org, FeatureViews.USER_RECOMMENDATIONS, List.of("u-1")).get("u-1").getIds("track_ids")).containsExactly("t-1");
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.1");
        List<Map<String, Object>> rows = changes(org);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("action", "rollback").containsEntry("from_version_id", c.from().id())
                .containsEntry("to_version_id", c.to().id()).containsEntry("actor_key_id", "key-admin").containsEntry("actor_member_id", "member-1");
        assertThat((Instant) rows.get(0).get("changed_at")).isAfter(before);
    }

    @Test
    void aVersionWhoseOnlineRowsExpiredIsStillRolledBackToAndSaysSo() throws Exception {
        String org = orgWithVersions("starter", 2);
        online.deleteVersion(org, FeatureViews.USER_RECOMMENDATIONS, "1.0");
        ModelSwitch.Change c = modelSwitch.rollback(org, "als", "1.1", ADMIN).change();
        assertThat(c.to().version()).hasToString("1.0");
        assertThat(c.onlineRows()).as("readers fall back until the nightly run writes 1.0's rows again").isFalse();
        assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).contains("1.0");
    }

    @Test
    void racingRollbacksFromTheSameVersionGoBackOneVersionNotSeveral() throws Exception {
        String org = orgWithVersions("starter", 4);
        int racers = 6;
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        List<Future<ModelSwitch.RollbackResult>> results = new ArrayList<>();
        try (Connection holder = pool.getConnection()) {
            // Hold the lineage's lock so that every racer is inside its transaction, waiting on it, before any goes on.
            holder.setAutoCommit(false);
            ModelRegistry.lockLineage(holder, org, "als");
            for (int i = 0; i < racers; i++) {
                results.add(threads.submit(() -> modelSwitch.rollback(org, "als", "1.3", ADMIN)));
            }
            try (Connection c = pool.getConnection()) {
                LockWaiters.await(c, racers);
            }
            holder.rollback();
        }
        int changed = 0;
        for (Future<ModelSwitch.RollbackResult> f : results) {
            ModelSwitch.RollbackResult r = f.get();
            if (r.moved()) {
                assertThat(r.activeNow().version()).hasToString("1.2");
            } else {
                changed++;
            }
        }
        threads.shutdown();
        assertThat(changed).as("one rollback of " + racers).isEqualTo(1);
        assertThat(registry.active(org, "als").orElseThrow().version()).hasToString("1.2");
        assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).contains("1.2");
        assertThat(changes(org)).hasSize(1);
        // Asked for explicitly, a second rollback goes on from 1.2.
        assertThat(modelSwitch.rollback(org, "als", "1.2", ADMIN).change().to().version()).hasToString("1.1");
    }

    @Test
    void aPinIsServedAtOnceAndRecorded() throws Exception {
        String org = orgWithVersions("enterprise", 3);
        ModelVersion first = registry.versions(org, "als").stream().filter(v -> v.version().toString().equals("1.0")).findFirst().orElseThrow();
        ModelSwitch.Change c = modelSwitch.pin(org, first.id(), ADMIN);
        assertThat(c.from().version()).hasToString("1.2");
        assertThat(c.to().id()).isEqualTo(first.id());
        assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).as("not at the next nightly run: now").contains("1.0");
        assertThat(registry.policy(org).pinnedVersionId()).isEqualTo(first.id());
        assertThat(changes(org)).singleElement().satisfies(row -> assertThat(row).containsEntry("action", "pin"));
    }

    @Test
    void theFreezeStopsPromotionsAndPinsEverywhereButNotRollbacks() throws Exception {
        String org = orgWithVersions("enterprise", 2);
        PlatformModelFreeze freeze = new PlatformModelFreeze(pool);
        PlatformModelFreeze.State set = freeze.set(true, "bad models in the wild", "ops@example");
        assertThat(set.frozen()).isTrue();
        assertThat(freeze.state().changedBy()).isEqualTo("ops@example");

        ModelVersion candidate = registry.register(org, "als", Map.of("rank", 8), Map.of());
        Promotion refused = registry.promote(candidate.id());
        assertThat(refused.promoted()).isFalse();
        assertThat(refused.reason()).contains("platform's models are frozen");
        ModelVersion global = registry.register(null, "als", Map.of("rank", 8), Map.of());
        assertThat(registry.promote(global.id()).promoted()).as("global versions too").isFalse();

        ModelVersion first = registry.versions(org, "als").stream().filter(v -> v.version().toString().equals("1.0")).findFirst().orElseThrow();
        assertThatThrownBy(() -> modelSwitch.pin(org, first.id(), ADMIN)).isInstanceOf(StoreException.class)
                .hasMessageContaining("frozen").hasMessageContaining("rollback stays allowed");
        assertThat(online.activeVersion(org, FeatureViews.USER_RECOMMENDATIONS)).as("a refused pin flips nothing").contains("1.1");

        assertThat(modelSwitch.rollback(org, "als", "1.1", ADMIN).change().to().version()).as("the emergency action").hasToString("1.0");

        freeze.set(false, "", "ops@example");
        assertThat(registry.promote(candidate.id()).promoted()).isTrue();
    }

    @Test
    void aFreezeWaitsForAPromotionAlreadyDecidingAndNoneGoesThroughAfterIt() throws Exception {
        String org = orgWithVersions("starter", 1);
        ModelVersion candidate = registry.register(org, "als", Map.of("rank", 8), Map.of());
        PlatformModelFreeze freeze = new PlatformModelFreeze(pool);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection promoting = pool.getConnection()) {
            // A promotion that has read the (unfrozen) row holds its share lock until it commits.
            promoting.setAutoCommit(false);
            assertThat(PlatformModelFreeze.frozenIn(promoting)).isFalse();
            Future<PlatformModelFreeze.State> freezing = thread.submit(() -> freeze.set(true, "", "test"));
            Thread.sleep(300);
            assertThat(freezing).as("the freeze waits for the deciding promotion").isNotDone();
            promoting.commit();
            assertThat(freezing.get().frozen()).isTrue();
        } finally {
            thread.shutdown();
        }
        assertThat(registry.promote(candidate.id()).promoted()).isFalse();
    }

    private static List<Map<String, Object>> changes(String org) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT action, from_version_id, to_version_id, "
                + "actor_key_id, actor_member_id, changed_at FROM model_version_changes WHERE org_id = ? ORDER BY change_id")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new java.util.HashMap<>();
                    row.put("action", rs.getString(1));
                    row.put("from_version_id", rs.getLong(2));
                    row.put("to_version_id", rs.getLong(3));
                    row.put("actor_key_id", rs.getString(4));
                    row.put("actor_member_id", rs.getString(5));
                    row.put("changed_at", rs.getTimestamp(6).toInstant());
                    out.add(row);
                }
            }
        }
        return out;
    }
}
