package io.tunetrail.store.registry;

import io.tunetrail.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The model watcher: where the nightly chain's promotion leaves a newer version unserved because the org is pinned, it
 * notes the version ({@code model_version_notices}, V90), once per version however often the chain runs. The API
 * announces each noted version to the org's admins (webhook event {@code model.version_available}) and marks it
 * announced in the same transaction: the chain holds no webhook machinery, and the note outlives an API that is down.
 */
public final class ModelWatcher {
    private final DataSource dataSource;
    private final ModelRegistry registry;

    public ModelWatcher(DataSource dataSource, ModelRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /**
     * Notes the candidate when {@code p} left it unpromoted because the org is pinned and it is newer than the version
     * served; returns whether this call noted it (false: not pinned, not newer, or noted before).
     */
    public boolean watch(Promotion p) {
        ModelVersion candidate = p.candidate();
        if (p.promoted() || candidate.orgId() == null || !registry.policy(candidate.orgId()).isPinned()) {
            return false;
        }
        if (p.active() != null && candidate.version().compareTo(p.active().version()) <= 0) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO model_version_notices (org_id, version_id) VALUES (?, ?) "
                        + "ON CONFLICT DO NOTHING")) {
            ps.setString(1, candidate.orgId());
            ps.setLong(2, candidate.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw StoreException.rejectedByDatabase("noting a model version for a pinned org", e);
        }
    }
}
