package io.tunetrail.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModelRetentionIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final Map<String, Object> PARAMS = Map.of("top_k", 20);

    private ModelRegistry registry;
    private ModelRetention retention;

    @BeforeEach
    void stores() {
        registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        retention = new ModelRetention(DB.dataSource());
    }

    /** Registers, fills and promotes {@code n} versions in turn: 1.0 … 1.(n-1), the last one active. */
    private List<ModelVersion> promotedInTurn(String org, int n) throws SQLException {
        List<ModelVersion> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelVersion v = registry.register(org, "track-similarity", PARAMS, Map.of());
            for (int rank = 1; rank <= 3; rank++) {
                execute("INSERT INTO track_similarities (org_id, model_version_id, track_id, rank, similar_track_id, score) "
                        + "VALUES (?, ?, 't1', ?, ?, 0.5)", org, v.id(), rank, "t" + (rank + 1));
            }
            assertThat(registry.promote(v.id()).promoted()).isTrue();
            out.add(v);
        }
        return out;
    }

    @Test
    void theRolledBackToVersionAndTheNextRollbackTargetKeepTheirRowsOlderOnesGo() throws SQLException {
        String org = DB.newOrg("pro");
        String neighbour = DB.newOrg("pro");
        List<ModelVersion> v = promotedInTurn(org, 4);
        List<ModelVersion> theirs = promotedInTurn(neighbour, 2);
        // 1.3 was bad: back to 1.2.
        assertThat(registry.rollback(org, "track-similarity").id()).isEqualTo(v.get(2).id());

        List<ModelVersion> pruned = retention.prune(org, "track-similarity", 1);

        // Kept: 1.2 (active, rolled back to) and 1.1 (the one retired version a rollback reaches next).
        // Pruned: 1.0 (older than the kept one) and 1.3 (the version rolled back from).
        assertThat(pruned).extracting(ModelVersion::id).containsExactlyInAnyOrder(v.get(0).id(), v.get(3).id());
        assertThat(rows(org, v.get(2).id())).isEqualTo(3);
        assertThat(rows(org, v.get(1).id())).isEqualTo(3);
        assertThat(rows(org, v.get(0).id())).isZero();
        assertThat(rows(org, v.get(3).id())).isZero();
        // History stays in the registry; another org's lineage is untouched.
        assertThat(registry.versions(org, "track-similarity")).hasSize(4);
        assertThat(rows(neighbour, theirs.get(0).id())).isEqualTo(3);
        // A second pass has nothing left to do.
        assertThat(retention.prune(org, "track-similarity", 1)).isEmpty();

        // Rollback reaches the kept 1.1, and then refuses to land on the pruned 1.0.
        assertThat(registry.rollback(org, "track-similarity").id()).isEqualTo(v.get(1).id());
        assertThatThrownBy(() -> registry.rollback(org, "track-similarity")).hasMessageContaining("pruned");
    }

    @Test
    void thePinnedVersionAndCandidatesStayWhateverTheirAge() throws SQLException {
        String org = DB.newOrg("enterprise");
        List<ModelVersion> v = promotedInTurn(org, 3);
        registry.pin(org, v.get(0).id());
        ModelVersion candidate = registry.register(org, "track-similarity", PARAMS, Map.of());

        List<ModelVersion> pruned = retention.prune(org, "track-similarity", 0);

        // 1.0 is pinned (and active again), 1.3 a candidate: only the retired 1.1 and 1.2 go.
        assertThat(pruned).extracting(ModelVersion::id).containsExactlyInAnyOrder(v.get(1).id(), v.get(2).id());
        assertThat(rows(org, v.get(0).id())).isEqualTo(3);
        assertThat(registry.version(org, candidate.id()).orElseThrow().status()).isEqualTo(ModelVersion.Status.CANDIDATE);
    }

    @Test
    void nothingIsPrunedWithoutAnActiveVersionAndANegativeRuleIsRefused() throws SQLException {
        String org = DB.newOrg("pro");
        registry.register(org, "track-similarity", PARAMS, Map.of());
        assertThat(retention.prune(org, "track-similarity", 0)).isEmpty();
        assertThatThrownBy(() -> retention.prune(org, "track-similarity", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A table added later with rows per model version must be pruned too, or retired versions keep it forever. */
    @Test
    void everyTableOfPerVersionRowsIsPruned() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                        + "AND column_name = 'model_version_id' AND table_name NOT IN ('model_versions', 'training_requests')");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(ModelRetention.VERSIONED_TABLES).containsExactlyInAnyOrderElementsOf(tables);
    }

    private static long rows(String org, long versionId) throws SQLException {
        try (Connection c = DB.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM track_similarities WHERE org_id = ? AND model_version_id = ?")) {
            ps.setString(1, org);
            ps.setLong(2, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(String sql, Object... args) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
