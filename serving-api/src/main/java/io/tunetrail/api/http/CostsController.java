package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.CostService;
import java.util.List;

/** HTTP for the org's cost meter: owners and admins read what its work cost and where the month stands against the cap. */
public final class CostsController {
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, null).requiring(Role.ADMIN);
    /** The routes that start costly work and so answer 402 cost_cap_reached at a hard-stop cap (for the API document). */
    public static final List<String> CAPPED_ROUTES = List.of("POST /api/v1/models/train", io.tunetrail.api.audio.AudioBatchService.ROUTE);

    private final CostService costs;

    public CostsController(CostService costs) {
        this.costs = costs;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/api/v1/usage/costs", ADMIN, "Organisation",
                "What your work cost in [from, to) (UTC dates; default the month to date), by kind and day: measured jobs (training, "
                        + "nightly, audio analysis: CPU seconds priced per kind) and API calls of the closed days (units priced per route "
                        + "class); and the month so far against your plan's cost cap (spent, held by queued jobs, cap, reset)",
                ctx -> {
                    Principal p = principal(ctx);
                    if (p.teamId() != null) {
                        // Costs are the org's as a whole; a team's key sees its team's objects only.
                        throw ApiErrors.teamKeyNotAllowed("read the organisation's costs");
                    }
                    ctx.json(costs.report(p.orgId(), p.plan(), ctx.queryParam("from"), ctx.queryParam("to")));
                }).query("from", "to").returns(CostService.Report.class));
    }
}
