package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.UsageAnalyticsService;
import java.time.Clock;
import java.util.List;

/** HTTP for usage analytics (pro and up, owners and admins; a team's admin sees their team). */
public final class UsageAnalyticsController {
    // Same plan gate as the other analytics (advanced_analytics: pro and up); admin role, since usage is the org's business.
    private static final Gate ADMIN = Gate.metered(Scope.ADMIN, "advanced_analytics");

    private final UsageAnalyticsService usage;
    private final Clock clock;

    public UsageAnalyticsController(UsageAnalyticsService usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/api/v1/analytics/usage", ADMIN, "Analytics",
                "Usage grouped by team, member, key or route (API calls, from the per-key counters: 35 days, by hour, day or month; a member's "
                        + "calls are those of the keys they own) or by resource (billed units, from the billing ledger: by day or month), "
                        + "in [from, to) (dates or instants, UTC; default the last 7 days); team_id (or a team's key) scopes it to one team",
                ctx -> ctx.json(usage.usage(principal(ctx), ctx.queryParam("team_id"), UsageAnalyticsService.Query.parse(ctx.queryParam("group_by"),
                        ctx.queryParam("granularity"), ctx.queryParam("from"), ctx.queryParam("to"), clock.instant()))))
                .query("group_by", "from", "to", "granularity", "team_id").returns(UsageAnalyticsService.Report.class));
    }
}
