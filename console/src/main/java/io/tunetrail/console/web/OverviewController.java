package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.UsageService;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The overview: the org's plan and today's and this month's usage of every metered resource against its quota, as a
 * table and as charts that {@code overview.js} draws from {@code /console/api/usage} (the API's own usage view); the
 * org's open alerts (acknowledged from here by whom the API lets acknowledge them) and the month's cost against the
 * plan's cap, charted by {@code costs.js} from {@code /console/api/costs}. Each part shows only to a member whose role
 * the API's route for it allows.
 */
final class OverviewController {
    static final String USAGE_JSON = ConsoleHttp.BASE + "/api/usage";
    static final String COSTS_JSON = ConsoleHttp.BASE + "/api/costs";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final UsageService usage;
    private final OverviewData data;
    private final ConsoleHttp http;
    private ConsoleRoutes.OverviewGates gates;

    OverviewController(UsageService usage, OverviewData data, ConsoleHttp http) {
        this.usage = usage;
        this.data = data;
        this.http = http;
    }

    /** {@code usageGate}: the gate of the API's {@code GET /api/v1/usage}, which both the page and its data share. */
    void install(Javalin app, PageGuard guard, Gate usageGate, ConsoleRoutes.OverviewGates gates) {
        this.gates = gates;
        app.get(ConsoleHttp.BASE, guard.page(usageGate, "The overview", this::page));
        app.get(USAGE_JSON, guard.page(usageGate, "Usage", (ctx, m) -> ctx.json(usage.usage(m.principal()))));
        app.get(COSTS_JSON, guard.page(gates.costs(), "Costs", (ctx, m) -> ctx.json(data.costSeries(m.principal()))));
        app.post(ConsoleHttp.BASE + "/alerts/{alert_id}/acknowledge", guard.page(gates.acknowledgeAlert(), "Acknowledging alerts", (ctx, m) -> {
            data.acknowledge(m.principal(), ctx.pathParam("alert_id"));
            ConsoleHttp.redirect(ctx, ConsoleHttp.BASE + "#alerts");
        }));
    }

    private void page(Context ctx, Member m) {
        UsageService.Usage u = usage.usage(m.principal());
        List<Views.UsageRow> rows = u.resources().stream().map(r -> new Views.UsageRow(r.resource().replace('_', ' '), count(r.usedToday()),
                limit(r.limitPerDay()), count(r.usedThisMonth()), limit(r.limitPerMonth()))).toList();
        boolean seesAlerts = gates.alerts().refusal(m.principal()) == null;
        boolean acknowledges = gates.acknowledgeAlert().refusal(m.principal()) == null;
        boolean seesCost = gates.costs().refusal(m.principal()) == null;
        http.render(ctx, 200, "overview.jte", new Views.Overview(m.frame("Overview", "overview"), m.orgName(), m.principal().plan().displayName(),
                u.quotasEnforced(), rows, WHEN.format(u.dayResetsAt()), WHEN.format(u.monthResetsAt()),
                seesAlerts ? data.openAlerts(m.principal()) : null, acknowledges ? m.session().csrfToken() : null,
                seesCost ? data.cost(m.principal()) : null));
    }

    private static String limit(Long limit) {
        return limit == null ? "unlimited" : count(limit);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
