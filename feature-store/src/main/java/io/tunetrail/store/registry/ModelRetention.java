package io.tunetrail.store.registry;

import io.tunetrail.store.Database;
import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * How long a retired model version's rows stay: the rule that keeps the analytics tables (and, through the caller, the
 * online store) from growing with every nightly run.
 *
 * <p>Of one org's (or the global) lineage of an algorithm, these keep their rows: the active version, the pinned one,
 * every candidate (a held candidate may still be promoted), and the {@code keepRetired} retired versions a rollback
 * would go back to next (older than the active version, most recently active first — {@link ModelRegistry#rollback}'s
 * own order). Every other retired version is pruned: its rows are deleted from the analytics tables of V5 in one
 * transaction with marking it ({@code model_versions.rows_pruned_at}), and it stays in the registry as history. A
 * retired version newer than the active one (the one a rollback left) is pruned too: it was rolled back from. Without
 * an active version nothing is pruned.
 */
public final class ModelRetention {
    /** The PostgreSQL tables whose rows belong to one model version (V5, V8); {@code ON DELETE CASCADE} is not used. */
    static final List<String> VERSIONED_TABLES = List.of("track_similarities", "user_similarities", "genre_correlations",
            "temporal_patterns", "monthly_trends", "top_tracks", "context_correlations", "seasonal_profiles", "listener_monthly",
            "listener_top_items");

    private final DataSource dataSource;

    public ModelRetention(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Applies the rule to one lineage and returns the versions pruned now (their online-store rows are the caller's to
     * delete, under {@code ModelVersion}'s label).
     *
     * @param orgId null for the global lineage
     * @param keepRetired how many retired versions stay available for rollback, {@code >= 0}
     */
    public List<ModelVersion> prune(String orgId, String algorithm, int keepRetired) {
        if (keepRetired < 0) {
            throw new IllegalArgumentException("keepRetired must be 0 or more, got " + keepRetired);
        }
        try (Connection c = dataSource.getConnection()) {
            return Database.inTransaction(c, tx -> {
                ModelRegistry.lockLineage(tx, orgId, algorithm);
                List<ModelVersion> lineage = ModelRegistry.query(tx, "SELECT " + ModelRegistry.COLUMNS + " FROM model_versions "
                        + "WHERE org_id IS NOT DISTINCT FROM ? AND algorithm = ? AND rows_pruned_at IS NULL "
                        + "ORDER BY promoted_at DESC NULLS LAST", orgId, algorithm);
                ModelVersion active = lineage.stream().filter(v -> v.status() == ModelVersion.Status.ACTIVE).findFirst().orElse(null);
                if (active == null) {
                    return List.of();
                }
                Set<Long> keep = new HashSet<>();
                keep.add(active.id());
                Long pinned = orgId == null ? null : pinned(tx, orgId);
                if (pinned != null) {
                    keep.add(pinned);
                }
                lineage.stream()
                        .filter(v -> v.status() == ModelVersion.Status.RETIRED && v.promotedAt() != null
                                && v.version().compareTo(active.version()) < 0)
                        .limit(keepRetired).forEach(v -> keep.add(v.id()));
                List<ModelVersion> pruned = new ArrayList<>();
                for (ModelVersion v : lineage) {
                    if (v.status() == ModelVersion.Status.RETIRED && !keep.contains(v.id())) {
                        for (String table : VERSIONED_TABLES) {
                            update(tx, "DELETE FROM " + table + " WHERE org_id IS NOT DISTINCT FROM ? AND model_version_id = ?",
                                    orgId, v.id());
                        }
                        update(tx, "UPDATE model_versions SET rows_pruned_at = now() WHERE model_version_id = ?", v.id());
                        pruned.add(v);
                    }
                }
                return pruned;
            });
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("pruning retired " + algorithm + " versions", e);
        }
    }

    private static Long pinned(Connection tx, String orgId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT pinned_model_version_id FROM org_model_policy WHERE org_id = ?")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long id = rs.getLong(1);
                return rs.wasNull() ? null : id;
            }
        }
    }

    private static void update(Connection tx, String sql, String orgId, long id) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            if (orgId == null) {
                ps.setNull(1, Types.VARCHAR);
            } else {
                ps.setString(1, orgId);
            }
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static void update(Connection tx, String sql, long id) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
