package io.tunetrail.console.web;

import io.javalin.http.Context;
import io.tunetrail.console.auth.PasswordPolicy;

/** The words the invitation and password-reset pages share. */
final class OneTimeLinkPages {
    static final String EXPIRED_FORM = "The form had expired; it is fresh now, please send it again.";

    private OneTimeLinkPages() {}

    /** Why a chosen password (typed twice) is refused for the account of {@code email}, or null. */
    static String passwordRefusal(String password, String confirm, String email) {
        String refusal = PasswordPolicy.refusal(password, email);
        if (refusal == null && !password.equals(confirm)) {
            return "The two passwords differ; type the same password twice.";
        }
        return refusal;
    }

    /** The one answer to a link that does not work, whatever the reason: unknown, used, revoked, replaced or expired. */
    static void unusable(ConsoleHttp http, Context ctx) {
        http.message(ctx, 404, new Views.Frame("Link not valid", "", null), "This link cannot be used",
                "It is not valid: links work once, for a limited time, and a newer one replaces an older. Ask for a new one.",
                ConsoleHttp.BASE + "/sign-in", "Sign in");
    }
}
