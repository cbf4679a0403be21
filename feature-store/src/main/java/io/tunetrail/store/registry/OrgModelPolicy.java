package io.tunetrail.store.registry;

import io.tunetrail.model.PlanCatalog.ModelPolicy;

/**
 * How an org's models change: its plan's policy, and what the org itself set (a pin, on plans whose policy is
 * {@code pinned}; a freeze, on any plan).
 *
 * @param planPolicy   from the plan catalog, for the org's current plan
 * @param pinnedVersionId the version the org pinned, or null
 * @param frozen       true while no new version may be promoted for the org
 */
public record OrgModelPolicy(String orgId, ModelPolicy planPolicy, Long pinnedVersionId, boolean frozen) {

    public boolean isPinned() {
        return pinnedVersionId != null;
    }
}
