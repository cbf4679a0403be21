package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.ApiKey;
import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.AccountService;
import io.tunetrail.api.store.TeamStore;
import java.util.List;

/** HTTP for API keys, teams and members, and the org's plan view: parse, call {@link AccountService}, answer. */
public final class AccountController {
    private static final String KEYS = "API keys";
    private static final String TEAMS = "Teams";
    // Owner/admin routes: an admin-scoped key is not enough, the member it belongs to must be an owner or admin too.
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, null).requiring(Role.ADMIN);
    private static final Gate OWNER = Gate.unmetered(Scope.ADMIN, null).requiring(Role.OWNER);
    private static final Gate TEAM_ADMIN = Gate.unmetered(Scope.ADMIN, "team_management").requiring(Role.ADMIN);
    /** Routes about one team: a team's key reaches its own team only. */
    private static final Gate ONE_TEAM = TEAM_ADMIN.forTeam(ApiRoute.TEAM_ID);

    private final AccountService accounts;

    public record ApiKeys(List<ApiKey> apiKeys) {}

    public record Teams(List<TeamStore.Team> teams) {}

    public record Members(List<TeamStore.Member> members) {}

    public AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post("/api/v1/api-keys", ADMIN, KEYS, "Create an API key; the response holds its secret, shown only this once",
                        ctx -> ctx.status(201).json(accounts.createKey(principal(ctx), Json.read(ctx.bodyAsBytes(), AccountService.CreateKeyRequest.class))))
                        .body("CreateKeyRequest").status(201).returns(AccountService.CreatedKey.class),
                ApiRoute.get("/api/v1/api-keys", ADMIN, KEYS, "List the org's API keys (prefixes only, never secrets)",
                        ctx -> ctx.json(new ApiKeys(accounts.keys(principal(ctx), ctx.queryParam("team_id"))))).query("team_id").returns(ApiKeys.class),
                ApiRoute.get("/api/v1/api-keys/{key_id}", ADMIN, KEYS, "One API key",
                        ctx -> ctx.json(accounts.key(principal(ctx), ctx.pathParam("key_id")))).returns(ApiKey.class),
                ApiRoute.post("/api/v1/api-keys/{key_id}/rotate", ADMIN, KEYS,
                        "Replace a key by a new secret with the same name, scopes, team and expiry; the old one is revoked",
                        ctx -> ctx.status(201).json(accounts.rotate(principal(ctx), ctx.pathParam("key_id")))).status(201)
                        .returns(AccountService.CreatedKey.class),
                ApiRoute.delete("/api/v1/api-keys/{key_id}", ADMIN, KEYS, "Revoke an API key (it stops working at once)",
                        ctx -> ctx.json(accounts.revoke(principal(ctx), ctx.pathParam("key_id")))).returns(ApiKey.class),
                ApiRoute.post("/api/v1/teams", TEAM_ADMIN, TEAMS, "Create a team",
                        ctx -> ctx.status(201).json(accounts.createTeam(principal(ctx), Json.read(ctx.bodyAsBytes(), AccountService.CreateTeamRequest.class))))
                        .body("CreateTeamRequest").status(201).returns(TeamStore.Team.class),
                ApiRoute.get("/api/v1/teams", TEAM_ADMIN, TEAMS, "List the org's teams",
                        ctx -> ctx.json(new Teams(accounts.teams(principal(ctx))))).returns(Teams.class),
                ApiRoute.get("/api/v1/teams/{team_id}", ONE_TEAM, TEAMS, "One team",
                        ctx -> ctx.json(accounts.team(principal(ctx), ctx.pathParam("team_id")))).returns(TeamStore.Team.class),
                ApiRoute.delete("/api/v1/teams/{team_id}", ONE_TEAM, TEAMS, "Delete a team (its keys stay, without a team)",
                        ctx -> {
                            accounts.deleteTeam(principal(ctx), ctx.pathParam("team_id"));
                            ctx.status(204);
                        }).status(204),
                ApiRoute.put("/api/v1/teams/{team_id}", ONE_TEAM, TEAMS, "Rename a team",
                        ctx -> ctx.json(accounts.renameTeam(principal(ctx), ctx.pathParam("team_id"),
                                Json.read(ctx.bodyAsBytes(), AccountService.RenameTeamRequest.class)))).body("RenameTeamRequest").returns(TeamStore.Team.class),
                ApiRoute.delete("/api/v1/teams/{team_id}/members/{member_id}", ONE_TEAM, TEAMS,
                        "Take a person out of a team (their seat, role and keys stay)",
                        ctx -> {
                            accounts.removeFromTeam(principal(ctx), ctx.pathParam("team_id"), ctx.pathParam("member_id"));
                            ctx.status(204);
                        }).status(204),
                ApiRoute.post("/api/v1/teams/{team_id}/members", ONE_TEAM, TEAMS,
                        "Add a person (by e-mail, with role owner, admin or member) to a team; seats are limited by the plan",
                        ctx -> ctx.status(201).json(accounts.addMember(principal(ctx), ctx.pathParam("team_id"),
                                Json.read(ctx.bodyAsBytes(), AccountService.AddMemberRequest.class)))).body("AddMemberRequest").status(201).returns(TeamStore.Member.class),
                ApiRoute.get("/api/v1/teams/{team_id}/members", ONE_TEAM, TEAMS, "Members of a team",
                        ctx -> ctx.json(new Members(accounts.members(principal(ctx), ctx.pathParam("team_id"))))).returns(Members.class),
                ApiRoute.get("/api/v1/teams/{team_id}/api-keys", ONE_TEAM, TEAMS, "API keys of a team",
                        ctx -> {
                            accounts.team(principal(ctx), ctx.pathParam("team_id"));
                            ctx.json(new ApiKeys(accounts.keys(principal(ctx), ctx.pathParam("team_id"))));
                        }).returns(ApiKeys.class),
                ApiRoute.put("/api/v1/members/{member_id}/role", TEAM_ADMIN, TEAMS,
                        "Change a person's role (owner, admin or member); their keys act with the new role at once",
                        ctx -> ctx.json(accounts.changeRole(principal(ctx), ctx.pathParam("member_id"),
                                Json.read(ctx.bodyAsBytes(), AccountService.ChangeRoleRequest.class)))).body("ChangeRoleRequest").returns(TeamStore.Member.class),
                ApiRoute.delete("/api/v1/members/{member_id}", TEAM_ADMIN, TEAMS,
                        "Remove a person from the organisation (their own key may: leaving): out of every team, seat freed, keys revoked; "
                                + "the last owner cannot leave",
                        ctx -> ctx.json(accounts.removeMember(principal(ctx), ctx.pathParam("member_id")))).returns(AccountService.RemovedMember.class),
                ApiRoute.post("/api/v1/org/ownership", OWNER, "Organisation",
                        "Hand ownership to another member: they become an owner and the calling owner an admin, at once",
                        ctx -> ctx.json(accounts.transferOwnership(principal(ctx),
                                Json.read(ctx.bodyAsBytes(), AccountService.TransferOwnershipRequest.class)))).body("TransferOwnershipRequest").returns(TeamStore.Member.class),
                ApiRoute.get("/api/v1/org/plan", ADMIN, "Organisation", "The org's plan: features, limits, rate limit, model policy",
                        ctx -> ctx.json(accounts.plan(principal(ctx)))).returns(AccountService.PlanView.class));
    }
}
