package io.tunetrail.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.testing.FreshDatabase;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModelRegistryIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final Map<String, Object> PARAMS = Map.of("rank", 32, "alpha", 40.0);
    private static final Map<String, Object> OTHER_PARAMS = Map.of("rank", 64, "alpha", 40.0);

    private ModelRegistry registry;
    private String starter;
    private String pro;
    private String enterprise;

    @BeforeEach
    void orgs() throws SQLException {
        registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        starter = DB.newOrg("starter");
        pro = DB.newOrg("pro");
        enterprise = DB.newOrg("enterprise");
    }

    @Test
    void numbersMinorForTheSameParamsAndMajorForChangedOnes() {
        assertThat(registry.register(starter, "als", PARAMS, Map.of()).version()).hasToString("1.0");
        // 32L and 32 are the same parameter once stored as JSON.
        assertThat(registry.register(starter, "als", Map.of("rank", 32L, "alpha", 40.0), Map.of()).version()).hasToString("1.1");
        assertThat(registry.register(starter, "als", OTHER_PARAMS, Map.of()).version()).hasToString("2.0");
        assertThat(registry.register(starter, "als", OTHER_PARAMS, Map.of()).version()).hasToString("2.1");
        // Known params continue their own major version.
        assertThat(registry.register(starter, "als", PARAMS, Map.of()).version()).hasToString("1.2");
        // Lineages are per org and algorithm.
        assertThat(registry.register(pro, "als", PARAMS, Map.of()).version()).hasToString("1.0");
        assertThat(registry.register(starter, "track-similarity", PARAMS, Map.of()).version()).hasToString("1.0");
    }

    @Test
    void latestPolicyPromotesEveryCandidateAndRetiresThePreviousOne() {
        ModelVersion first = registry.register(starter, "als", PARAMS, Map.of("interactions_delta_version", 3));
        assertThat(registry.promote(first.id()).promoted()).isTrue();
        ModelVersion second = registry.register(starter, "als", OTHER_PARAMS, Map.of());
        Promotion p = registry.promote(second.id());
        assertThat(p.promoted()).isTrue();
        assertThat(p.active().id()).isEqualTo(second.id());
        assertThat(registry.active(starter, "als")).hasValueSatisfying(v -> assertThat(v.version()).hasToString("2.0"));
        assertThat(registry.version(starter, first.id())).hasValueSatisfying(v -> {
            assertThat(v.status()).isEqualTo(ModelVersion.Status.RETIRED);
            assertThat(v.inputSnapshot()).containsEntry("interactions_delta_version", 3);
        });
        assertThatThrownBy(() -> registry.promote(first.id())).isInstanceOf(StoreException.class).hasMessageContaining("not a candidate");
    }

    @Test
    void allowMinorPromotesMinorVersionsOnlyAutomatically() {
        registry.promote(registry.register(pro, "als", PARAMS, Map.of()).id());
        Promotion major = registry.promote(registry.register(pro, "als", OTHER_PARAMS, Map.of()).id());
        assertThat(major.promoted()).isFalse();
        assertThat(major.reason()).contains("minor versions only");
        assertThat(major.active().version()).hasToString("1.0");
        // A retrain with the active version's params continues its major version: promoted.
        ModelVersion minor = registry.register(pro, "als", PARAMS, Map.of());
        assertThat(minor.version()).hasToString("1.1");
        assertThat(registry.promote(minor.id()).promoted()).isTrue();
        // Back to the 2.x params: 2.1, still a major change against active 1.1.
        assertThat(registry.promote(registry.register(pro, "als", OTHER_PARAMS, Map.of()).id()).reason()).contains("2.1 changes");
    }

    @Test
    void aPinnedOrgKeepsItsVersionUntilItUnpins() {
        ModelVersion first = registry.register(enterprise, "als", PARAMS, Map.of());
        registry.promote(first.id());
        ModelVersion second = registry.register(enterprise, "als", PARAMS, Map.of());
        registry.promote(second.id());
        assertThat(registry.pin(enterprise, first.id()).id()).isEqualTo(first.id());
        assertThat(registry.active(enterprise, "als")).hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(first.id()));

        ModelVersion third = registry.register(enterprise, "als", PARAMS, Map.of());
        Promotion kept = registry.promote(third.id());
        assertThat(kept.promoted()).isFalse();
        assertThat(kept.reason()).contains("pinned");
        assertThatThrownBy(() -> registry.rollback(enterprise, "als")).hasMessageContaining("pinned");

        registry.unpin(enterprise);
        assertThat(registry.active(enterprise, "als")).hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(first.id()));
        assertThat(registry.promote(third.id()).promoted()).isTrue();
    }

    @Test
    void onlyPinnedPoliciesMayPinAndOnlyTheirOwnVersions() {
        ModelVersion proVersion = registry.register(pro, "als", PARAMS, Map.of());
        assertThatThrownBy(() -> registry.pin(pro, proVersion.id())).isInstanceOf(StoreException.class)
                .hasMessageContaining("does not allow pinning");
        assertThatThrownBy(() -> registry.pin(enterprise, proVersion.id())).isInstanceOf(StoreException.class)
                .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.NOT_FOUND);
        assertThat(registry.version(enterprise, proVersion.id())).isEmpty();
    }

    @Test
    void aModelFreezeOrAnAccountHoldStopsPromotion() throws SQLException {
        registry.promote(registry.register(starter, "als", PARAMS, Map.of()).id());
        registry.freeze(starter, true);
        ModelVersion candidate = registry.register(starter, "als", PARAMS, Map.of());
        assertThat(registry.promote(candidate.id()).reason()).contains("froze");
        assertThat(registry.policy(starter).frozen()).isTrue();
        registry.freeze(starter, false);

        DB.execute("UPDATE organisations SET frozen = true, frozen_reason = 'payment failed' WHERE org_id = '" + starter + "'");
        assertThat(registry.promote(candidate.id()).reason()).contains("on hold");
        DB.execute("UPDATE organisations SET frozen = false, frozen_reason = NULL WHERE org_id = '" + starter + "'");
        assertThat(registry.promote(candidate.id()).promoted()).isTrue();
    }

    @Test
    void rollbackWalksBackThroughEarlierVersions() {
        for (int i = 0; i < 3; i++) {
            registry.promote(registry.register(starter, "als", PARAMS, Map.of()).id());
        }
        assertThat(registry.rollback(starter, "als").version()).hasToString("1.1");
        assertThat(registry.rollback(starter, "als").version()).hasToString("1.0");
        assertThatThrownBy(() -> registry.rollback(starter, "als")).hasMessageContaining("first als version");
        assertThat(registry.versions(starter, "als")).extracting(v -> v.status().name())
                .containsExactly("RETIRED", "RETIRED", "ACTIVE");
    }

    @Test
    void aServedLabelFindsItsOwnOrgsVersionAndItsFamily() {
        // As the nightly als job registers an org whose lists another family won.
        ModelVersion ease = registry.register(starter, "als", PARAMS, Map.of("family", "ease"));
        assertThat(registry.byLabel(starter, "als", ease.label())).hasValueSatisfying(v -> {
            assertThat(v.id()).isEqualTo(ease.id());
            assertThat(v.family()).isEqualTo("ease");
        });
        assertThat(registry.byLabel(pro, "als", ease.label())).as("another org's version is unknown").isEmpty();
        assertThat(registry.byLabel(starter, "track-similarity", ease.label())).isEmpty();
        ModelVersion similar = registry.register(starter, "track-similarity", PARAMS, Map.of());
        assertThat(registry.byLabel(starter, "track-similarity", similar.label()).map(ModelVersion::family))
                .as("no recorded choice: ALS's").contains("als");
        ModelVersion global = registry.register(null, "als", PARAMS, Map.of());
        assertThat(global.label()).startsWith(ModelVersion.GLOBAL_LABEL_PREFIX);
        assertThat(registry.byLabel(pro, "als", global.label()).map(ModelVersion::id)).as("the global rows any org is served")
                .contains(global.id());
    }

    @Test
    void globalModelsHaveTheirOwnLineage() {
        ModelVersion global = registry.register(null, "popularity", Map.of(), Map.of());
        assertThat(registry.promote(global.id()).promoted()).isTrue();
        assertThat(registry.activeGlobal("popularity")).hasValueSatisfying(v -> assertThat(v.isGlobal()).isTrue());
        assertThat(registry.active(starter, "popularity")).isEmpty();
        assertThat(registry.recordMetrics(global.id(), Map.of("precision_at_10", 0.12)).metrics()).containsEntry("precision_at_10", 0.12);
    }
}
