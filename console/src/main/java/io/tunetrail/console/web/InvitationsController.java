package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.Invitations;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Invitations: sent and revoked from the teams page (the gate of the API's {@code POST /api/v1/teams/{team_id}/members},
 * since an invitation adds a member), accepted from the e-mail's link by choosing a password. A link that does not
 * work gets one page, whatever the reason (unknown, used, revoked, expired), so it tells nobody which.
 */
final class InvitationsController {
    static final String INVITE = ConsoleHttp.BASE + "/invitations";
    static final String ACCEPT = ConsoleHttp.BASE + "/invitation";

    private final Invitations invitations;
    private final Argon2idPasswords passwords;
    private final TeamsController teamsPage;
    private final ClientAddress clientAddress;
    private final ConsoleHttp http;

    InvitationsController(Invitations invitations, Argon2idPasswords passwords, TeamsController teamsPage, ClientAddress clientAddress,
            ConsoleHttp http) {
        this.invitations = invitations;
        this.passwords = passwords;
        this.teamsPage = teamsPage;
        this.clientAddress = clientAddress;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, Gate invite) {
        app.post(INVITE, guard.page(invite, "Inviting members", this::invite));
        app.post(INVITE + "/{invitation_id}/revoke", guard.page(invite, "Revoking invitations", this::revoke));
        app.get(ACCEPT, guard.open(this::acceptForm));
        app.post(ACCEPT, guard.open(this::accept));
    }

    private void invite(Context ctx, Member m) {
        Views.InviteForm form = new Views.InviteForm(Objects.requireNonNullElse(ctx.formParam("email"), "").trim(),
                Objects.requireNonNullElse(ctx.formParam("role"), ""), Objects.requireNonNullElse(ctx.formParam("team"), ""));
        try {
            invitations.invite(m.principal(), m.email(), m.orgName(), form.email(), form.role(), form.team());
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            teamsPage.showInvite(ctx, e.status(), m, form, Map.of(e.field() == null ? "form" : e.field(), e.detail()), null);
            return;
        }
        teamsPage.showInvite(ctx, 200, m, Views.InviteForm.EMPTY, Map.of(), form.email());
    }

    private void revoke(Context ctx, Member m) {
        invitations.revoke(m.principal(), ctx.pathParam("invitation_id"));
        ConsoleHttp.redirect(ctx, TeamsController.PATH);
    }

    private void acceptForm(Context ctx) {
        String token = ctx.queryParam("token");
        Optional<Invitations.Pending> pending = invitations.find(token);
        if (pending.isEmpty()) {
            OneTimeLinkPages.unusable(http, ctx);
            return;
        }
        showForm(ctx, 200, token, pending.get().email(), null);
    }

    private void accept(Context ctx) {
        String token = ctx.formParam("token");
        Optional<Invitations.Pending> pending = invitations.find(token);
        if (pending.isEmpty()) {
            OneTimeLinkPages.unusable(http, ctx);
            return;
        }
        if (!ConsoleHttp.formTokenMatches(ctx)) {
            showForm(ctx, 403, token, pending.get().email(), OneTimeLinkPages.EXPIRED_FORM);
            return;
        }
        String password = Objects.requireNonNullElse(ctx.formParam("password"), "");
        String refusal = OneTimeLinkPages.passwordRefusal(password, ctx.formParam("confirm"), pending.get().email());
        if (refusal != null) {
            showForm(ctx, 400, token, pending.get().email(), refusal);
            return;
        }
        Optional<Invitations.Accepted> accepted = invitations.accept(token, passwords.hash(password), clientAddress.of(ctx));
        if (accepted.isEmpty()) {
            OneTimeLinkPages.unusable(http, ctx);
            return;
        }
        http.clearCookie(ctx, ConsoleHttp.SIGN_IN_COOKIE);
        http.message(ctx, 200, new Views.Frame("Welcome", "", null), "Your sign-in is ready",
                "Sign in with " + accepted.get().email() + " and the password you chose.", ConsoleHttp.BASE + "/sign-in", "Sign in");
    }

    private void showForm(Context ctx, int status, String token, String email, String error) {
        http.render(ctx, status, "password.jte", new Views.SetPassword(new Views.Frame("Accept the invitation", "", null),
                "Accept the invitation", "Choose the password you will sign in with as " + email + ".", ACCEPT, http.issueFormToken(ctx), token,
                email, error));
    }
}
