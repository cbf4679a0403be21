package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.Page;
import java.util.List;

/** HTTP for the org's audit log: owners and admins read it, newest first, a keyset page at a time. */
public final class AuditController {
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, null).requiring(Role.ADMIN);

    private final AuditLog audit;

    /** A page of audit entries and the cursor of the next one (null on the last page). */
    public record EntryPage(List<AuditLog.Entry> entries, String nextCursor) {}

    public AuditController(AuditLog audit) {
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/api/v1/audit-log", ADMIN, "Organisation",
                "Administrative changes (teams, members, roles, API keys, plan, flags), newest first; filter by actor (key or member id), "
                        + "action ('member.role_changed', or 'member' for all of its actions) and time [from, to)",
                ctx -> {
                    Principal p = principal(ctx);
                    if (p.teamId() != null) {
                        // The log covers the whole org; a team's key sees its team's objects only.
                        throw ApiErrors.teamKeyNotAllowed("read the organisation's audit log");
                    }
                    AuditLog.Filter filter = AuditLog.Filter.parse(ctx.queryParam("actor"), ctx.queryParam("action"), ctx.queryParam("from"),
                            ctx.queryParam("to"));
                    Page<AuditLog.Entry> page = audit.list(p.orgId(), filter, ctx.queryParam("cursor"),
                            Check.intParam("limit", ctx.queryParam("limit"), 50, 1, 200));
                    ctx.json(new EntryPage(page.items(), page.nextCursor()));
                }).query("actor", "action", "from", "to", "limit", "cursor").returns(EntryPage.class));
    }
}
