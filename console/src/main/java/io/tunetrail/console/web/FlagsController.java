package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.FlagService;
import io.tunetrail.model.PlanCatalog;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The feature flags page (admins, the gate of {@code GET /api/v1/feature-flags}): the org's flags, a form to create
 * one, and per flag a toggle and its rollout percentage, each written through the API's {@link FlagService} (the gate
 * of {@code PUT /api/v1/feature-flags/{flag_key}}, audited as the member). A toggle or rollout change reads the flag
 * first, so another org's key is "not found" and nothing is created by it; the rest of the flag is written back as read.
 */
final class FlagsController {
    static final String PATH = ConsoleHttp.BASE + "/flags";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final FlagService flags;
    private final PlanCatalog plans;
    private final ConsoleHttp http;

    FlagsController(FlagService flags, PlanCatalog plans, ConsoleHttp http) {
        this.flags = flags;
        this.plans = plans;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, Gate list, Gate write) {
        app.get(PATH, guard.page(list, "The feature flags page", (ctx, m) -> page(ctx, m, Views.FlagForm.EMPTY, Map.of(), 200,
                notice(ctx.queryParam("done")))));
        app.post(PATH, guard.page(write, "Creating a feature flag", this::create));
        app.post(PATH + "/toggle", guard.page(write, "Switching a feature flag", this::toggle));
        app.post(PATH + "/rollout", guard.page(write, "Changing a flag's rollout", this::rollout));
    }

    private void page(Context ctx, Member m, Views.FlagForm form, Map<String, String> errors, int status, String notice) {
        List<Views.FlagRow> rows = flags.list(m.principal()).stream().map(f -> new Views.FlagRow(f.key(), f.description(), f.enabled(),
                f.plans().isEmpty() ? "every plan" : String.join(", ", f.plans()), f.rolloutPercent(), WHEN.format(f.updatedAt()))).toList();
        http.render(ctx, status, "flags.jte", new Views.Flags(m.frame("Feature flags", "flags"), m.session().csrfToken(), rows,
                plans.plans().stream().map(PlanCatalog.Plan::id).toList(), form, errors, notice));
    }

    private void create(Context ctx, Member m) {
        Views.FlagForm form = new Views.FlagForm(trimmed(ctx.formParam("flag_key")), trimmed(ctx.formParam("description")),
                ctx.formParams("plans"), trimmed(ctx.formParam("rollout_percent")), "on".equals(ctx.formParam("enabled")));
        Map<String, String> errors = new LinkedHashMap<>();
        Integer rollout = percent(form.rolloutPercent(), errors, "rollout_percent");
        if (errors.isEmpty()) {
            try {
                flags.put(m.principal(), form.key(), new FlagService.FlagRequest(form.description(), form.enabled(), form.plans(), rollout));
            } catch (ApiException e) {
                if (e.status() != 400 || e.field() == null) {
                    throw e;
                }
                errors.put(e.field().replaceAll("\\[\\d+]$", ""), e.detail());
            }
        }
        if (!errors.isEmpty()) {
            page(ctx, m, form, errors, 400, null);
            return;
        }
        ConsoleHttp.redirect(ctx, PATH + "?done=written");
    }

    private void toggle(Context ctx, Member m) {
        FlagService.Flag f = flags.get(m.principal(), ctx.formParam("flag_key"));
        boolean enabled = "true".equals(ctx.formParam("enabled"));
        flags.put(m.principal(), f.key(), new FlagService.FlagRequest(f.description(), enabled, f.plans(), f.rolloutPercent()));
        ConsoleHttp.redirect(ctx, PATH + "?done=" + (enabled ? "enabled" : "disabled"));
    }

    private void rollout(Context ctx, Member m) {
        FlagService.Flag f = flags.get(m.principal(), ctx.formParam("flag_key"));
        Map<String, String> errors = new LinkedHashMap<>();
        Integer rollout = percent(trimmed(ctx.formParam("rollout_percent")), errors, "rollout:" + f.key());
        if (rollout == null) {
            errors.putIfAbsent("rollout:" + f.key(), "Give the rollout as a whole number of percent from 0 to 100.");
            page(ctx, m, Views.FlagForm.EMPTY, errors, 400, null);
            return;
        }
        flags.put(m.principal(), f.key(), new FlagService.FlagRequest(f.description(), f.enabled(), f.plans(), rollout));
        ConsoleHttp.redirect(ctx, PATH + "?done=written");
    }

    /** A whole percentage 0 to 100, or null with the reason under {@code field}; blank is null without one (the API's default). */
    private static Integer percent(String raw, Map<String, String> errors, String field) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!raw.matches("\\d{1,3}") || Integer.parseInt(raw) > 100) {
            errors.put(field, "'" + raw + "' is not a whole number of percent from 0 to 100.");
            return null;
        }
        return Integer.parseInt(raw);
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    private static String notice(String done) {
        return switch (Objects.requireNonNullElse(done, "")) {
            case "written" -> "Saved: the flag answers its new settings from the next evaluation on.";
            case "enabled" -> "Switched on.";
            case "disabled" -> "Switched off: every evaluation answers off.";
            default -> null;
        };
    }
}
