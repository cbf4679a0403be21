package io.tunetrail.console.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * How every console response is written: the security headers, the cookies, templates, redirects. Pages are HTML
 * with no inline script or style (the Content-Security-Policy forbids both), never framed, never cached.
 */
public final class ConsoleHttp {
    public static final String BASE = "/console";
    public static final String SESSION_COOKIE = "tt_console_session";
    /** The token of the sign-in form (there is no session yet to hold it): cookie and form field must match. */
    public static final String SIGN_IN_COOKIE = "tt_console_signin";
    public static final String CSRF_FIELD = "csrf";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final boolean secureCookies;

    public ConsoleHttp(boolean secureCookies) {
        this.secureCookies = secureCookies;
    }

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
    }

    void render(Context ctx, int status, String template, Object view) {
        StringOutput out = new StringOutput();
        templates.render(template, view, out);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    static void redirect(Context ctx, String path) {
        // 303: the browser follows a POST's answer with a GET, so a reload never sends the form again.
        ctx.status(303).header("Location", path).result("");
    }

    /** Sets a cookie only the console's own requests carry, never script, never another site's request. */
    void setCookie(Context ctx, String name, String value) {
        ctx.res().addHeader("Set-Cookie", cookie(name, value, false));
    }

    void clearCookie(Context ctx, String name) {
        ctx.res().addHeader("Set-Cookie", cookie(name, "", true));
    }

    /**
     * The Set-Cookie value of {@link #setCookie} ({@code expired}: of {@link #clearCookie}). {@code Secure} is dropped
     * only with console.cookie-secure=false, for local http, where a browser would never send such a cookie back.
     */
    String cookie(String name, String value, boolean expired) {
        return name + "=" + value + "; Path=" + BASE + (expired ? "; Max-Age=0" : "") + "; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "");
    }

    /**
     * A fresh token for a form shown without a session (sign-in, accepting an invitation, the password reset forms),
     * set in a cookie of its own; {@link #formTokenMatches} checks the form sent it back. A page of another site can
     * neither read the cookie nor, with SameSite=Strict, make the browser send it.
     */
    String issueFormToken(Context ctx) {
        String token = io.tunetrail.console.auth.SessionStore.random();
        setCookie(ctx, SIGN_IN_COOKIE, token);
        return token;
    }

    static boolean formTokenMatches(Context ctx) {
        return io.tunetrail.console.auth.SessionStore.sameToken(ctx.cookie(SIGN_IN_COOKIE), ctx.formParam(CSRF_FIELD));
    }

    void message(Context ctx, int status, Views.Frame frame, String heading, String detail, String linkHref, String linkText) {
        render(ctx, status, "message.jte", new Views.Message(frame, heading, detail, linkHref, linkText));
    }
}
