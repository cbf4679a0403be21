package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleMetrics;
import io.tunetrail.console.auth.PasswordResets;
import io.tunetrail.console.auth.SignInLimiter;
import java.util.Objects;

/**
 * "Forgot password" and the reset link's form. A request gets the same page whether or not the address has a sign-in
 * (only the outbox knows), and is limited per address and account like sign-in; the reset ends every session of the
 * account, so whoever held one must sign in with the new password.
 */
final class PasswordResetController {
    static final String FORGOT = ConsoleHttp.BASE + "/forgot-password";
    static final String RESET = ConsoleHttp.BASE + "/reset";
    private static final String SENT = "If an account signs in with this address, an e-mail with a link to choose a new password is on its way. "
            + "The link works once, for a short time.";

    private final PasswordResets resets;
    private final PasswordLinkForm resetForm;
    private final SignInLimiter limiter;
    private final ClientAddress clientAddress;
    private final ConsoleMetrics metrics;
    private final ConsoleHttp http;

    PasswordResetController(PasswordResets resets, Argon2idPasswords passwords, SignInLimiter limiter, ClientAddress clientAddress,
            ConsoleMetrics metrics, ConsoleHttp http) {
        this.resets = resets;
        this.resetForm = new PasswordLinkForm(http, passwords, clientAddress, RESET, "Choose a new password",
                email -> "For the console sign-in of " + email + ".", token -> resets.find(token).map(PasswordResets.Pending::email));
        this.limiter = limiter;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard) {
        app.get(FORGOT, guard.open(ctx -> forgotForm(ctx, 200, "", null)));
        app.post(FORGOT, guard.open(this::request));
        app.get(RESET, guard.open(resetForm::show));
        app.post(RESET, guard.open(ctx -> resetForm.send(ctx, this::reset)));
    }

    private void forgotForm(Context ctx, int status, String email, String error) {
        http.render(ctx, status, "forgot.jte", new Views.Forgot(new Views.Frame("Forgot password", "", null), http.issueFormToken(ctx), email, error));
    }

    private void request(Context ctx) {
        String email = Objects.requireNonNullElse(ctx.formParam("email"), "").trim();
        if (!ConsoleHttp.formTokenMatches(ctx)) {
            forgotForm(ctx, 403, email, PasswordLinkForm.EXPIRED_FORM);
            return;
        }
        if (email.isEmpty() || email.length() > 320 || !email.matches("[^@\\s]+@[^@\\s]+")) {
            forgotForm(ctx, 400, email, "Enter the e-mail address you sign in with.");
            return;
        }
        metrics.resetRequested();
        String address = clientAddress.of(ctx);
        // Every request counts (known address or not), so the limit says nothing about which addresses have accounts.
        if (limiter.refusedFor(email, address).isEmpty()) {
            limiter.failed(email, address);
            resets.request(email);
        }
        http.clearCookie(ctx, ConsoleHttp.SIGN_IN_COOKIE);
        http.message(ctx, 200, new Views.Frame("Check your e-mail", "", null), "Check your e-mail", SENT, ConsoleHttp.BASE + "/sign-in",
                "Back to sign-in");
    }

    private boolean reset(Context ctx, String token, String passwordHash, String address) {
        if (resets.reset(token, passwordHash, address).isEmpty()) {
            return false;
        }
        http.clearCookie(ctx, ConsoleHttp.SESSION_COOKIE);
        http.message(ctx, 200, new Views.Frame("Password changed", "", null), "Your password is changed",
                "Every session of your account has ended; sign in with the new password.", ConsoleHttp.BASE + "/sign-in", "Sign in");
        return true;
    }
}
