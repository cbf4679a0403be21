package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.AccountService;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.Invitations;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Teams and members: rename a team, change a member's role, remove a member, hand ownership over. Every action goes
 * through the API's {@link AccountService} with the member's principal, so the owner rules and the role checks are
 * the API's own and the change is audited as the signed-in member. A refusal of those rules is shown beside the row
 * it concerns; another org's team or member is "not found".
 */
final class TeamsController {
    static final String PATH = ConsoleHttp.BASE + "/teams";
    static final String MEMBERS = ConsoleHttp.BASE + "/members";
    private static final List<String> ROLES = List.of("owner", "admin", "member");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The gates of the API routes doing the same: list teams, rename one, change a role, remove a member, transfer, add a member. */
    record Gates(Gate list, Gate rename, Gate changeRole, Gate remove, Gate transfer, Gate invite) {}

    /** A refusal to show on the page: the row it belongs to ({@code team:ID} or {@code member:ID}) and the API's words. */
    private record Refused(String target, String message, String nameValue) {}

    private final AccountService accounts;
    private final OrgMembers members;
    private final Invitations invitations;
    private final ConsoleHttp http;
    private Gate inviteGate;

    TeamsController(AccountService accounts, OrgMembers members, Invitations invitations, ConsoleHttp http) {
        this.accounts = accounts;
        this.members = members;
        this.invitations = invitations;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, Gates gates) {
        this.inviteGate = gates.invite();
        app.get(PATH, guard.page(gates.list(), "The teams page", (ctx, m) -> show(ctx, 200, m, null)));
        app.post(PATH + "/{team_id}/rename", guard.page(gates.rename(), "Renaming teams", this::rename));
        app.post(MEMBERS + "/{member_id}/role", guard.page(gates.changeRole(), "Changing roles", this::changeRole));
        app.post(MEMBERS + "/{member_id}/remove", guard.page(gates.remove(), "Removing members", this::remove));
        app.post(MEMBERS + "/{member_id}/make-owner", guard.page(gates.transfer(), "Transferring ownership", this::makeOwner));
    }

    private void rename(Context ctx, Member m) {
        String teamId = ctx.pathParam("team_id");
        String name = Objects.requireNonNullElse(ctx.formParam("name"), "");
        act(ctx, m, "team:" + teamId, name, () -> accounts.renameTeam(m.principal(), teamId, new AccountService.RenameTeamRequest(name)));
    }

    private void changeRole(Context ctx, Member m) {
        String memberId = ctx.pathParam("member_id");
        act(ctx, m, "member:" + memberId, null,
                () -> accounts.changeRole(m.principal(), memberId, new AccountService.ChangeRoleRequest(ctx.formParam("role"))));
    }

    private void remove(Context ctx, Member m) {
        String memberId = ctx.pathParam("member_id");
        act(ctx, m, "member:" + memberId, null, () -> accounts.removeMember(m.principal(), memberId));
    }

    private void makeOwner(Context ctx, Member m) {
        String memberId = ctx.pathParam("member_id");
        act(ctx, m, "member:" + memberId, null,
                () -> accounts.transferOwnership(m.principal(), new AccountService.TransferOwnershipRequest(memberId)));
    }

    /**
     * Runs one action; a refusal other than "not found" (bad input, the owner rules, a role below the member's) is
     * shown beside its row with the API's status, and nothing was changed. Not found stays the guard's page, so
     * another org's id looks exactly like one that never existed.
     */
    private void act(Context ctx, Member m, String target, String nameValue, Runnable action) {
        try {
            action.run();
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw e;
            }
            show(ctx, e.status(), m, new Refused(target, e.detail(), nameValue));
            return;
        }
        // Removing oneself ends one's place in the org: the redirect then leads to the sign-in page.
        ConsoleHttp.redirect(ctx, PATH);
    }

    private void show(Context ctx, int status, Member m, Refused refused) {
        show(ctx, status, m, refused, Views.InviteForm.EMPTY, Map.of(), null);
    }

    /** The page with the invitation form as sent, its errors by field, or the address an invitation just went to. */
    void showInvite(Context ctx, int status, Member m, Views.InviteForm form, Map<String, String> errors, String sentTo) {
        show(ctx, status, m, null, form, errors, sentTo);
    }

    private void show(Context ctx, int status, Member m, Refused refused, Views.InviteForm form, Map<String, String> inviteErrors, String sentTo) {
        Map<String, List<String>> teamsOf = new HashMap<>();
        List<Views.TeamRow> teamRows = new ArrayList<>();
        for (TeamStore.Team t : accounts.teams(m.principal())) {
            List<String> emails = new ArrayList<>();
            for (TeamStore.Member tm : accounts.members(m.principal(), t.teamId())) {
                emails.add(tm.email());
                teamsOf.computeIfAbsent(tm.memberId(), id -> new ArrayList<>()).add(t.name());
            }
            boolean refusedHere = refused != null && refused.target().equals("team:" + t.teamId());
            teamRows.add(new Views.TeamRow(t.teamId(), t.name(), emails, refusedHere ? refused.nameValue() : t.name(),
                    refusedHere ? refused.message() : null));
        }
        Role viewer = m.principal().role();
        List<Views.MemberRow> memberRows = new ArrayList<>();
        boolean shown = refused == null || teamRows.stream().anyMatch(t -> t.error() != null);
        for (TeamStore.Member p : members.of(m.principal().orgId())) {
            boolean you = p.memberId().equals(m.principal().memberId());
            Role role = Objects.requireNonNullElse(Role.fromWire(p.role()), Role.MEMBER);
            String error = refused != null && refused.target().equals("member:" + p.memberId()) ? refused.message() : null;
            shown |= error != null;
            memberRows.add(new Views.MemberRow(p.memberId(), p.email(), p.role(), String.join(", ", teamsOf.getOrDefault(p.memberId(), List.of())),
                    you, viewer.atLeast(role), viewer == Role.OWNER && !you, error));
        }
        http.render(ctx, status, "teams.jte", new Views.Teams(m.frame("Teams & members", "teams"), m.session().csrfToken(), teamRows, memberRows,
                ROLES, shown ? null : refused.message(), invite(m, form, inviteErrors, sentTo)));
    }

    /** The invitation part of the page, or null for a member whose role may not add members (the API's gate). */
    private Views.Invite invite(Member m, Views.InviteForm form, Map<String, String> errors, String sentTo) {
        if (inviteGate == null || inviteGate.refusal(m.principal()) != null) {
            return null;
        }
        Map<String, String> teamNames = new HashMap<>();
        List<Views.Option> teamOptions = new ArrayList<>();
        for (TeamStore.Team t : accounts.teams(m.principal())) {
            teamNames.put(t.teamId(), t.name());
            teamOptions.add(new Views.Option(t.teamId(), t.name()));
        }
        List<String> roles = ROLES.stream().filter(r -> m.principal().role().atLeast(Role.fromWire(r))).toList();
        List<Views.InvitationRow> open = invitations.open(m.principal().orgId()).stream().map(i -> new Views.InvitationRow(
                Long.toString(i.invitationId()), i.email(), i.role(), i.teamId() == null ? "" : teamNames.getOrDefault(i.teamId(), i.teamId()),
                WHEN.format(i.expiresAt()))).toList();
        return new Views.Invite(form, roles, teamOptions, open, errors, sentTo);
    }
}
