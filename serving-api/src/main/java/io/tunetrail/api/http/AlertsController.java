package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.javalin.http.Context;
import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.Page;
import java.util.List;

/** HTTP for the org's alerts (thresholds and newer model versions): owners and admins list them, newest first, and acknowledge them. */
public final class AlertsController {
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, null).requiring(Role.ADMIN);
    private static final String TAG = "Organisation";

    private final AlertStore alerts;

    /** A page of alerts and the cursor of the next one (null on the last page). */
    public record AlertPage(List<AlertStore.Alert> alerts, String nextCursor) {}

    public AlertsController(AlertStore alerts) {
        this.alerts = alerts;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/api/v1/alerts", ADMIN, TAG,
                        "Alerts, newest first: kind quota or cost_cap (a quota or the cost cap reached 50/80/100% of its limit in a day "
                                + "or month, per the plan's alerts.thresholds) and model_version (a newer model version exists while the org "
                                + "stays pinned, once per version); filter acknowledged=true|false",
                        ctx -> {
                            Principal p = orgWide(ctx, "read the organisation's alerts");
                            Page<AlertStore.Alert> page = alerts.list(p.orgId(), AlertStore.acknowledgedFilter(ctx.queryParam("acknowledged")),
                                    ctx.queryParam("cursor"), Check.intParam("limit", ctx.queryParam("limit"), 50, 1, 100));
                            ctx.json(new AlertPage(page.items(), page.nextCursor()));
                        }).query("acknowledged", "limit", "cursor").returns(AlertPage.class),
                ApiRoute.post("/api/v1/alerts/{alert_id}/acknowledge", ADMIN, TAG,
                        "Acknowledge an alert (once: acknowledging again keeps the first acknowledgement); audited as alert.acknowledged",
                        ctx -> ctx.json(alerts.acknowledge(orgWide(ctx, "acknowledge the organisation's alerts"), ctx.pathParam("alert_id"))))
                        .returns(AlertStore.Alert.class));
    }

    private static Principal orgWide(Context ctx, String action) {
        Principal p = principal(ctx);
        if (p.teamId() != null) {
            // Alerts are about the org's quotas; a team's key sees its team's objects only.
            throw ApiErrors.teamKeyNotAllowed(action);
        }
        return p;
    }
}
