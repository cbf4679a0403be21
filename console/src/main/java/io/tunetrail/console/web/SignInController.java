package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.ConsoleMetrics;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.console.auth.SignInLimiter;
import java.time.Duration;
import java.util.Optional;

/**
 * Sign-in and sign-out. A sign-in always starts a new session (any session the browser held is ended first), so a
 * session id planted before sign-in is worthless after it. Wrong e-mail and wrong password get the same answer in the
 * same time.
 */
final class SignInController {
    private static final String SIGN_IN = ConsoleHttp.BASE + "/sign-in";
    private static final String WRONG = "The e-mail address or the password is wrong.";

    private final ConsoleAccounts accounts;
    private final Argon2idPasswords passwords;
    private final SessionStore sessions;
    private final SignInLimiter limiter;
    private final MemberResolver members;
    private final ConsoleHttp http;
    private final ClientAddress clientAddress;
    private final ConsoleMetrics metrics;

    SignInController(ConsoleAccounts accounts, Argon2idPasswords passwords, SessionStore sessions, SignInLimiter limiter,
            MemberResolver members, ConsoleHttp http, ClientAddress clientAddress, ConsoleMetrics metrics) {
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.accounts = accounts;
        this.passwords = passwords;
        this.sessions = sessions;
        this.limiter = limiter;
        this.members = members;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, io.tunetrail.api.limits.Gate anyMember) {
        app.get(SIGN_IN, guard.open(this::form));
        app.post(SIGN_IN, guard.open(this::signIn));
        app.post(ConsoleHttp.BASE + "/sign-out", guard.page(anyMember, "Sign-out", this::signOut));
    }

    private void form(Context ctx) {
        if (members.resolve(ctx.cookie(ConsoleHttp.SESSION_COOKIE)).isPresent()) {
            ConsoleHttp.redirect(ctx, ConsoleHttp.BASE);
            return;
        }
        showForm(ctx, 200, "", null);
    }

    private void showForm(Context ctx, int status, String email, String error) {
        String token = http.issueFormToken(ctx);
        http.render(ctx, status, "signin.jte", new Views.SignIn(new Views.Frame("Sign in", "sign-in", null), token, email, error));
    }

    private void signIn(Context ctx) {
        String email = trimmed(ctx.formParam("email"));
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        if (!ConsoleHttp.formTokenMatches(ctx)) {
            showForm(ctx, 403, email, "The sign-in form had expired; it is fresh now, please sign in again.");
            return;
        }
        if (email.isEmpty() || password.isEmpty() || email.length() > 320 || password.length() > 1024) {
            showForm(ctx, 400, email, "Enter your e-mail address and your password.");
            return;
        }
        // X-Forwarded-For only as far as trusted proxies wrote it: a client that could name its own address would void the limit.
        String address = clientAddress.of(ctx);
        Optional<Duration> refused = limiter.refusedFor(email, address);
        if (refused.isPresent()) {
            metrics.signInLimited();
            long minutes = Math.max(1, (refused.get().toSeconds() + 59) / 60);
            ctx.header("Retry-After", Long.toString(Math.max(1, refused.get().toSeconds())));
            showForm(ctx, 429, email, "Too many failed sign-ins for this account or from this address. Try again in " + minutes
                    + (minutes == 1 ? " minute." : " minutes."));
            return;
        }
        Optional<ConsoleAccounts.Credential> credential = accounts.byEmail(email);
        boolean ok = credential.isPresent() ? passwords.matches(password, credential.get().passwordHash()) : passwords.matchesNothing(password);
        if (!ok) {
            metrics.signInFailed();
            limiter.failed(email, address);
            showForm(ctx, 401, email, WRONG);
            return;
        }
        metrics.signedIn();
        limiter.succeeded(email);
        sessions.find(ctx.cookie(ConsoleHttp.SESSION_COOKIE)).ifPresent(sessions::delete);
        SessionStore.Created created = sessions.create(credential.get().orgId(), credential.get().memberId());
        http.clearCookie(ctx, ConsoleHttp.SIGN_IN_COOKIE);
        http.setCookie(ctx, ConsoleHttp.SESSION_COOKIE, created.token());
        ConsoleHttp.redirect(ctx, ConsoleHttp.BASE);
    }

    private void signOut(Context ctx, Member m) {
        sessions.delete(m.session());
        http.clearCookie(ctx, ConsoleHttp.SESSION_COOKIE);
        ConsoleHttp.redirect(ctx, SIGN_IN);
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }
}
