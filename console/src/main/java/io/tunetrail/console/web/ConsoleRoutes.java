package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.tunetrail.api.ServingExtension;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.console.auth.SignInLimiter;

/** Wires the console's controllers onto the app under {@link ConsoleHttp#BASE}. */
public final class ConsoleRoutes {
    /** The gates of the console's pages, each the gate of the API route for the same thing. */
    public record Gates(Gate usage, Gate listKeys, Gate createKey, Gate revokeKey, Gate signedIn) {}

    private final ConsoleHttp http;
    private final MemberResolver members;
    private final SignInController signIn;
    private final OverviewController overview;
    private final KeysController keys;
    private final ServingExtension.Parts parts;

    public ConsoleRoutes(boolean secureCookies, ConsoleAccounts accounts, Argon2idPasswords passwords, SessionStore sessions, SignInLimiter limiter,
            TeamStore teams, OrgStore orgs, ServingExtension.Parts parts) {
        this.parts = parts;
        this.http = new ConsoleHttp(secureCookies);
        this.members = new MemberResolver(sessions, teams, orgs, parts.settings().plans());
        this.signIn = new SignInController(accounts, passwords, sessions, limiter, members, http);
        this.overview = new OverviewController(parts.usage(), http);
        this.keys = new KeysController(parts.accounts(), parts.stores().jedis(), parts.clock(), http);
    }

    public void install(Javalin app, Gates gates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        new StaticAssets().install(app);
        signIn.install(app, guard, gates.signedIn());
        overview.install(app, guard, gates.usage());
        keys.install(app, guard, gates.listKeys(), gates.createKey(), gates.revokeKey());
    }
}
