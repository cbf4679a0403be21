package io.tunetrail.console.web;

import io.javalin.http.Context;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.PasswordPolicy;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The page a one-time link opens to choose a password (accepting an invitation, resetting), shown and sent without a
 * session: the link must still work at both steps, the form carries a token bound to a cookie of its own (CSRF), the
 * password must pass {@link PasswordPolicy} and be typed twice. A link that does not work gets one page whatever the
 * reason (unknown, used, revoked, replaced, expired), so the page tells nobody which.
 */
final class PasswordLinkForm {
    static final String EXPIRED_FORM = "The form had expired; it is fresh now, please send it again.";

    /** Uses the link with the chosen password's hash and renders the answer; false when the link stopped working meanwhile. */
    @FunctionalInterface
    interface Completion {
        boolean complete(Context ctx, String token, String passwordHash, String clientAddress);
    }

    private final ConsoleHttp http;
    private final Argon2idPasswords passwords;
    private final ClientAddress clientAddress;
    private final String action;
    private final String heading;
    private final Function<String, String> intro;
    private final Function<String, Optional<String>> emailOfLink;

    /**
     * {@code action}: where the form posts; {@code intro}: the line under the heading, given the account's e-mail;
     * {@code emailOfLink}: the e-mail of the account a working link is for, empty for any other token.
     */
    PasswordLinkForm(ConsoleHttp http, Argon2idPasswords passwords, ClientAddress clientAddress, String action, String heading,
            Function<String, String> intro, Function<String, Optional<String>> emailOfLink) {
        this.http = http;
        this.passwords = passwords;
        this.clientAddress = clientAddress;
        this.action = action;
        this.heading = heading;
        this.intro = intro;
        this.emailOfLink = emailOfLink;
    }

    void show(Context ctx) {
        String token = ctx.queryParam("token");
        Optional<String> email = emailOfLink.apply(token);
        if (email.isEmpty()) {
            unusable(http, ctx);
            return;
        }
        render(ctx, 200, token, email.get(), null);
    }

    void send(Context ctx, Completion completion) {
        String token = ctx.formParam("token");
        Optional<String> email = emailOfLink.apply(token);
        if (email.isEmpty()) {
            unusable(http, ctx);
            return;
        }
        if (!ConsoleHttp.formTokenMatches(ctx)) {
            render(ctx, 403, token, email.get(), EXPIRED_FORM);
            return;
        }
        String password = Objects.requireNonNullElse(ctx.formParam("password"), "");
        String refusal = PasswordPolicy.refusal(password, email.get());
        if (refusal == null && !password.equals(ctx.formParam("confirm"))) {
            refusal = "The two passwords differ; type the same password twice.";
        }
        if (refusal != null) {
            render(ctx, 400, token, email.get(), refusal);
            return;
        }
        if (!completion.complete(ctx, token, passwords.hash(password), clientAddress.of(ctx))) {
            unusable(http, ctx);
            return;
        }
        http.clearCookie(ctx, ConsoleHttp.SIGN_IN_COOKIE);
    }

    private void render(Context ctx, int status, String token, String email, String error) {
        http.render(ctx, status, "password.jte", new Views.SetPassword(new Views.Frame(heading, "", null), heading, intro.apply(email), action,
                http.issueFormToken(ctx), token, email, error));
    }

    /** The one answer to a link that does not work, whatever the reason. */
    static void unusable(ConsoleHttp http, Context ctx) {
        http.message(ctx, 404, new Views.Frame("Link not valid", "", null), "This link cannot be used",
                "It is not valid: links work once, for a limited time, and a newer one replaces an older. Ask for a new one.",
                ConsoleHttp.BASE + "/sign-in", "Sign in");
    }
}
