package io.tunetrail.store.testing;

import io.tunetrail.model.PlanCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped plan catalog with one change for cost-cap tests: enterprise, the plan with custom training (which ships
 * without a cap), gets a hard-stop cap of {@link #CAP_USD}.
 */
public final class CappedPlans {
    public static final int CAP_USD = 10;

    private CappedPlans() {}

    /** Writes the changed catalog under {@code dir} and loads it; {@code repositoryRoot} holds {@code config/plans.yaml}. */
    public static PlanCatalog enterpriseCapped(Path repositoryRoot, Path dir) throws IOException {
        String shipped = Files.readString(repositoryRoot.resolve("config").resolve("plans.yaml"));
        int at = shipped.indexOf("  enterprise:");
        String capped = "cost_caps: { monthly_usd: " + CAP_USD + ", hard_stop: true }";
        String enterprise = shipped.substring(at).replaceFirst("cost_caps: \\{ monthly_usd: null, hard_stop: false \\}", capped);
        if (!enterprise.contains(capped)) {
            throw new IllegalStateException("config/plans.yaml's enterprise plan no longer ships without a cost cap; update CappedPlans");
        }
        Path file = dir.resolve("plans-enterprise-capped.yaml");
        Files.writeString(file, shipped.substring(0, at) + enterprise);
        return PlanCatalog.load(file);
    }
}
