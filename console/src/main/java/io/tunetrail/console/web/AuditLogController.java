package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The org's audit log (owners and admins, as {@code GET /api/v1/audit-log}): newest first, filtered by who acted, the
 * action and the days, a keyset page at a time, from the API's own {@link AuditLog}.
 */
final class AuditLogController {
    static final String PATH = ConsoleHttp.BASE + "/audit-log";
    static final int PAGE_SIZE = 25;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final AuditLog audit;
    private final OrgMembers members;
    private final ConsoleHttp http;

    AuditLogController(AuditLog audit, OrgMembers members, ConsoleHttp http) {
        this.audit = audit;
        this.members = members;
        this.http = http;
    }

    /** {@code gate}: the gate of the API's {@code GET /api/v1/audit-log}. */
    void install(Javalin app, PageGuard guard, Gate gate) {
        app.get(PATH, guard.page(gate, "The audit log", this::page));
    }

    private void page(Context ctx, Member m) {
        Views.AuditForm form = new Views.AuditForm(param(ctx, "actor"), param(ctx, "action"), param(ctx, "from"), param(ctx, "to"));
        String cursor = param(ctx, "cursor");
        Map<String, String> emails = new LinkedHashMap<>();
        members.of(m.principal().orgId()).forEach(p -> emails.put(p.memberId(), p.email()));
        List<Views.Option> actors = new ArrayList<>();
        emails.forEach((id, email) -> actors.add(new Views.Option(id, email)));

        Map<String, String> errors = new HashMap<>();
        Page<AuditLog.Entry> page = null;
        try {
            Instant from = day("from", form.from(), 0);
            // The "to" day is included: the filter's end is the next midnight.
            Instant to = day("to", form.to(), 1);
            AuditLog.Filter filter = AuditLog.Filter.parse(form.actor(), form.action(), from == null ? null : from.toString(),
                    to == null ? null : to.toString());
            page = audit.list(m.principal().orgId(), filter, cursor.isEmpty() ? null : cursor, PAGE_SIZE);
        } catch (ApiException e) {
            if (e.field() == null) {
                throw e;
            }
            errors.put(e.field(), e.detail());
        }
        List<Views.AuditRow> rows = page == null ? List.of() : page.items().stream().map(e -> row(e, emails)).toList();
        String next = page == null || page.nextCursor() == null ? null : href(form, page.nextCursor());
        String first = cursor.isEmpty() ? null : href(form, null);
        http.render(ctx, errors.isEmpty() ? 200 : 400, "audit.jte", new Views.Audit(m.frame("Audit log", "audit"), form, actors, rows, next, first, errors));
    }

    private static Views.AuditRow row(AuditLog.Entry e, Map<String, String> emails) {
        String member = e.actorMemberId() == null ? null : emails.getOrDefault(e.actorMemberId(), e.actorMemberId());
        String actor = switch (e.actorType()) {
            case "console" -> member + " (console)";
            case "api_key" -> "key " + e.actorId() + (member == null ? " (org key)" : " of " + member);
            case "stripe" -> "Stripe (event " + e.actorId() + ")";
            default -> e.actorType();
        };
        String target = e.targetType() == null ? "" : e.targetType() + (e.targetId() == null ? "" : " " + e.targetId());
        return new Views.AuditRow(WHEN.format(e.occurredAt()), actor, e.action(), target, e.details() == null ? "" : e.details().toString());
    }

    /** Midnight UTC of a YYYY-MM-DD day, plus {@code plusDays}; null when empty. */
    private static Instant day(String field, String raw, int plusDays) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(raw).plusDays(plusDays).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw Check.invalid(field, "Give '" + field + "' as a day, YYYY-MM-DD, or leave it empty.");
        }
    }

    /** This page's address with the same filters, at {@code cursor} (null: the newest entries). */
    private static String href(Views.AuditForm f, String cursor) {
        StringBuilder q = new StringBuilder(PATH).append('?');
        append(q, "actor", f.actor());
        append(q, "action", f.action());
        append(q, "from", f.from());
        append(q, "to", f.to());
        if (cursor != null) {
            append(q, "cursor", cursor);
        }
        return q.substring(0, q.length() - 1);
    }

    private static void append(StringBuilder q, String name, String value) {
        if (!value.isEmpty()) {
            q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
        }
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.trim();
    }
}
