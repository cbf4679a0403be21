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
 * since an invitation adds a member), accepted from the e-mail's link by choosing a password ({@link PasswordLinkForm}).
 */
final class InvitationsController {
    static final String INVITE = ConsoleHttp.BASE + "/invitations";
    static final String ACCEPT = ConsoleHttp.BASE + "/invitation";

    private final Invitations invitations;
    private final TeamsController teamsPage;
    private final PasswordLinkForm acceptForm;
    private final ConsoleHttp http;

    InvitationsController(Invitations invitations, Argon2idPasswords passwords, TeamsController teamsPage, ClientAddress clientAddress,
            ConsoleHttp http) {
        this.invitations = invitations;
        this.teamsPage = teamsPage;
        this.http = http;
        this.acceptForm = new PasswordLinkForm(http, passwords, clientAddress, ACCEPT, "Accept the invitation",
                email -> "Choose the password you will sign in with as " + email + ".", token -> invitations.find(token).map(Invitations.Pending::email));
    }

    void install(Javalin app, PageGuard guard, Gate invite) {
        app.post(INVITE, guard.page(invite, "Inviting members", this::invite));
        app.post(INVITE + "/{invitation_id}/revoke", guard.page(invite, "Revoking invitations", this::revoke));
        app.get(ACCEPT, guard.open(acceptForm::show));
        app.post(ACCEPT, guard.open(ctx -> acceptForm.send(ctx, this::accepted)));
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

    private boolean accepted(Context ctx, String token, String passwordHash, String address) {
        Optional<Invitations.Accepted> accepted = invitations.accept(token, passwordHash, address);
        accepted.ifPresent(a -> http.message(ctx, 200, new Views.Frame("Welcome", "", null), "Your sign-in is ready",
                "Sign in with " + a.email() + " and the password you chose.", ConsoleHttp.BASE + "/sign-in", "Sign in"));
        return accepted.isPresent();
    }
}
