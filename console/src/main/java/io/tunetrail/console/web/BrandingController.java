package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.AudioUploads;
import io.tunetrail.api.limits.Gate;
import jakarta.servlet.http.Part;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The white label page (owners of plans with {@link Branding#FEATURE}): name, accent colour and PNG logo of the org's
 * console, and the two things every member's pages load from it: {@link #CSS} (the accent colour, the only per-org
 * style; the CSP allows no inline style) and {@link #LOGO}, both read from the signed-in member's own org, so no
 * other org's can be asked for.
 */
final class BrandingController {
    static final String PATH = ConsoleHttp.BASE + "/branding";
    static final String CSS = ConsoleHttp.BASE + "/branding.css";
    static final String LOGO = ConsoleHttp.BASE + "/branding/logo";
    /** The form is parsed up to this per file; the logo's own limit (256 KiB) is then checked and shown beside the field. */
    private static final long FORM_FILE_BYTES = 1024 * 1024;

    private final Branding branding;
    private final ConsoleHttp http;

    BrandingController(Branding branding, ConsoleHttp http) {
        this.branding = branding;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, Gate manage, Gate signedIn) {
        app.get(PATH, guard.page(manage, "The white label", (ctx, m) -> page(ctx, m, null, Map.of(), 200,
                "saved".equals(ctx.queryParam("done")) ? "Saved: every member sees it from their next page on." : null)));
        app.post(PATH, guard.upload(manage, "Changing the white label", FORM_FILE_BYTES, this::save, (ctx, m) -> page(ctx, m, null,
                Map.of("logo", "The form is over the limit of " + FORM_FILE_BYTES / 1024 + " KiB; nothing was read or saved. The logo must be a PNG "
                        + "of at most 256 KiB."), 413, null)));
        app.get(CSS, guard.page(signedIn, "The white label's style", this::css));
        app.get(LOGO, guard.page(signedIn, "The logo", this::logo));
    }

    private void page(Context ctx, Member m, Views.BrandingForm sent, Map<String, String> errors, int status, String notice) {
        Views.Brand stored = branding.of(m.principal().orgId()).orElse(null);
        Views.BrandingForm form = sent != null ? sent : stored == null ? new Views.BrandingForm(m.orgName(), "#1a365d")
                : new Views.BrandingForm(stored.name(), stored.accent());
        http.render(ctx, status, "branding.jte", new Views.BrandingPage(m.frame("White label", "branding"), m.session().csrfToken(), form,
                stored != null && stored.hasLogo(), stored == null ? 0 : stored.version(), errors, notice));
    }

    private void save(Context ctx, Member m, AudioUploads.Form form) {
        List<Part> files = form.files("logo");
        byte[] logo = files.isEmpty() ? null : AudioUploads.Form.bytes(files.get(0));
        Views.BrandingForm sent = new Views.BrandingForm(form.field("display_name"), form.field("accent_color"));
        Map<String, String> errors = new LinkedHashMap<>();
        Branding.Change change = Branding.check(sent.displayName(), sent.accentColor(), logo, "on".equals(form.field("remove_logo")), errors);
        if (change == null) {
            page(ctx, m, sent, errors, 400, null);
            return;
        }
        branding.save(m.principal(), change);
        ConsoleHttp.redirect(ctx, PATH + "?done=saved");
    }

    /** The accent on the header, with text dark or light by the colour's luminance so it stays readable. */
    private void css(Context ctx, Member m) {
        Views.Brand b = m.brand();
        String body = "";
        if (b != null) {
            int rgb = Integer.parseInt(b.accent().substring(1), 16);
            double luminance = (0.2126 * (rgb >> 16 & 0xff) + 0.7152 * (rgb >> 8 & 0xff) + 0.0722 * (rgb & 0xff)) / 255;
            String text = luminance > 0.6 ? "#1a202c" : "#ffffff";
            body = String.format(Locale.ROOT, ".top { background: %s; color: %s; }%n.top nav a, .top nav a.active, .top nav a:hover { color: %s; }%n"
                    + "button, .button { background: %s; border-color: %s; color: %s; }%n", b.accent(), text, text, b.accent(), b.accent(), text);
        }
        ctx.contentType("text/css; charset=utf-8").result(body);
    }

    private void logo(Context ctx, Member m) {
        byte[] png = m.brand() == null || !m.brand().hasLogo() ? null : branding.logo(m.principal().orgId()).orElse(null);
        if (png == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no logo");
            return;
        }
        ctx.header("Content-Disposition", "inline; filename=\"logo.png\"");
        ctx.contentType("image/png").result(png);
    }
}
