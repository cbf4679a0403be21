package io.tunetrail.console;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.tunetrail.api.ServingExtension;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.console.auth.SignInLimiter;
import io.tunetrail.console.web.ConsoleRoutes;
import io.tunetrail.model.PlatformConfig;

/**
 * The web console at {@code /console}, installed on the API's server. Every page takes its gate from the API route
 * that does the same thing ({@link #gateOf}), so the console can never allow what the API refuses, or the reverse.
 */
public final class ConsoleExtension implements ServingExtension {
    private final ConsoleSettings settings;

    public ConsoleExtension(ConsoleSettings settings) {
        this.settings = settings;
    }

    /** Found by {@code ApiServer} through {@code META-INF/services}: the console comes with the API wherever this jar is. */
    public static final class Provider implements ServingExtension.Provider {
        @Override
        public ServingExtension create(PlatformConfig config) {
            return new ConsoleExtension(ConsoleSettings.from(config));
        }
    }

    @Override
    public void install(Javalin app, Parts parts) {
        Sql sql = new Sql(parts.stores().dataSource());
        Argon2idPasswords passwords = new Argon2idPasswords();
        SessionStore sessions = new SessionStore(sql, parts.clock(), settings.idleTimeout(), settings.maxSessionAge());
        SignInLimiter limiter = new SignInLimiter(parts.stores().jedis(), settings.maxFailuresPerAccount(), settings.maxFailuresPerAddress(),
                settings.signInWindow());
        ConsoleRoutes routes = new ConsoleRoutes(settings, new ConsoleAccounts(sql, passwords), passwords, sessions, limiter,
                new TeamStore(sql), new OrgStore(sql), parts);
        routes.install(app, new ConsoleRoutes.Gates(
                gateOf(parts, HandlerType.GET, "/api/v1/usage"),
                gateOf(parts, HandlerType.GET, "/api/v1/api-keys"),
                gateOf(parts, HandlerType.POST, "/api/v1/api-keys"),
                gateOf(parts, HandlerType.POST, "/api/v1/api-keys/{key_id}/rotate"),
                gateOf(parts, HandlerType.DELETE, "/api/v1/api-keys/{key_id}"),
                // Signing out needs nothing but a session.
                Gate.unmetered(Scope.READ, null)),
                new ConsoleRoutes.OrgGates(
                        gateOf(parts, HandlerType.GET, "/api/v1/teams"),
                        gateOf(parts, HandlerType.PUT, "/api/v1/teams/{team_id}"),
                        gateOf(parts, HandlerType.PUT, "/api/v1/members/{member_id}/role"),
                        gateOf(parts, HandlerType.DELETE, "/api/v1/members/{member_id}"),
                        gateOf(parts, HandlerType.POST, "/api/v1/org/ownership"),
                        gateOf(parts, HandlerType.GET, "/api/v1/analytics/usage"),
                        gateOf(parts, HandlerType.GET, "/api/v1/audit-log"),
                        // An invitation adds a member: the API's route for that decides who may send one.
                        gateOf(parts, HandlerType.POST, "/api/v1/teams/{team_id}/members")),
                new ConsoleRoutes.OverviewGates(
                        gateOf(parts, HandlerType.GET, "/api/v1/alerts"),
                        gateOf(parts, HandlerType.POST, "/api/v1/alerts/{alert_id}/acknowledge"),
                        gateOf(parts, HandlerType.GET, "/api/v1/usage/costs")));
        routes.installModelsInsightsAndWebhooks(app, new ConsoleRoutes.ModelGates(
                        // The page shows each part as its route allows; opening it needs a session only (rollback is for every plan).
                        Gate.unmetered(Scope.READ, null),
                        gateOf(parts, HandlerType.GET, "/api/v1/models/versions"),
                        gateOf(parts, HandlerType.GET, "/api/v1/models/policy"),
                        gateOf(parts, HandlerType.POST, "/api/v1/models/pin"),
                        gateOf(parts, HandlerType.POST, "/api/v1/models/rollback"),
                        gateOf(parts, HandlerType.GET, "/api/v1/models/train"),
                        gateOf(parts, HandlerType.POST, "/api/v1/models/train"),
                        gateOf(parts, HandlerType.GET, "/api/v1/models/canary"),
                        gateOf(parts, HandlerType.POST, "/api/v1/models/canary/approve"),
                        gateOf(parts, HandlerType.POST, "/api/v1/models/canary/abort")),
                new ConsoleRoutes.InsightGates(
                        gateOf(parts, HandlerType.GET, "/api/v1/analytics/correlations/genres"),
                        gateOf(parts, HandlerType.GET, "/api/v1/tracks/top")),
                new ConsoleRoutes.WebhookGates(
                        gateOf(parts, HandlerType.GET, "/api/v1/webhooks"),
                        gateOf(parts, HandlerType.GET, "/api/v1/webhooks/{webhook_id}/deliveries"),
                        gateOf(parts, HandlerType.POST, "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry")));
        routes.installAudio(app, new ConsoleRoutes.AudioGates(
                gateOf(parts, HandlerType.GET, "/api/v1/audio/analyses/{analysis_id}"),
                gateOf(parts, HandlerType.POST, "/api/v1/audio/analyze")));
        routes.installBilling(app, new ConsoleRoutes.BillingGates(
                // Every member sees the plan; the actions are the owner's, as the API's routes say.
                Gate.unmetered(Scope.READ, null),
                gateOf(parts, HandlerType.POST, "/api/v1/billing/checkout"),
                gateOf(parts, HandlerType.POST, "/api/v1/billing/portal")));
        // The API has no white label route to mirror: the gate is built here with the API's Gate, for owners of plans with it.
        routes.installBranding(app, Gate.unmetered(Scope.ADMIN, "white_label").requiring(io.tunetrail.api.auth.Role.OWNER),
                Gate.unmetered(Scope.READ, null));
        routes.installFlags(app, new ConsoleRoutes.FlagGates(
                gateOf(parts, HandlerType.GET, "/api/v1/feature-flags"),
                gateOf(parts, HandlerType.PUT, "/api/v1/feature-flags/{flag_key}")));
        routes.installUnknownPages(app);
    }

    /** The audio upload form takes files as large as the API's audio routes do, with room for the form around them. */
    @Override
    public java.util.Map<String, Long> bodyLimits(io.tunetrail.api.ApiSettings apiSettings) {
        return java.util.Map.of(io.tunetrail.console.web.ConsoleRoutes.AUDIO_PATH,
                apiSettings.audio().maxBytes() + io.tunetrail.api.http.AudioUploads.MULTIPART_ENVELOPE_BYTES);
    }

    /** An audio file or logo over the limit comes back as its form's page with the field marked, never the API's 413 problem. */
    @Override
    public java.util.Set<String> oversizedBodiesAnsweredByHandler() {
        return java.util.Set.of(io.tunetrail.console.web.ConsoleRoutes.AUDIO_PATH, io.tunetrail.console.web.ConsoleRoutes.BRANDING_PATH);
    }

    /** The gate of the API's route {@code method path}; the console refuses to start without it rather than guess one. */
    static Gate gateOf(Parts parts, HandlerType method, String path) {
        return parts.routes().stream().filter(r -> r.method() == method && r.path().equals(path)).map(ApiRoute::gate).findFirst()
                .orElseThrow(() -> new IllegalStateException("the console mirrors the API route " + method + " " + path
                        + ", which the API no longer serves; point the console page at the route that replaced it"));
    }
}
