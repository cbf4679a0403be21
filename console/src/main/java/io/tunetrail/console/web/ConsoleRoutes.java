package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.ServingExtension;
import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.billing.BillingSessions;
import io.tunetrail.api.billing.StripeApi;
import io.tunetrail.api.service.AnalyticsService;
import io.tunetrail.api.service.CanaryService;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.service.FlagService;
import io.tunetrail.api.service.ModelService;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.costs.CostCap;
import io.tunetrail.store.costs.OrgCosts;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.service.UsageAnalyticsService;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.console.auth.Argon2idPasswords;
import io.tunetrail.console.ConsoleSettings;
import io.tunetrail.console.auth.ConsoleAccounts;
import io.tunetrail.console.auth.ConsoleMetrics;
import io.tunetrail.console.auth.Invitations;
import io.tunetrail.console.auth.PasswordResets;
import io.tunetrail.console.auth.SessionStore;
import io.tunetrail.console.auth.SignInLimiter;

/** Wires the console's controllers onto the app under {@link ConsoleHttp#BASE}. */
public final class ConsoleRoutes {
    /** The audio upload form's path, whose body limit the console declares to the API's server. */
    public static final String AUDIO_PATH = AudioController.PATH;
    /** The white label form's path, whose oversized body the console answers with its page too. */
    public static final String BRANDING_PATH = BrandingController.PATH;

    /** The gates of the console's pages, each the gate of the API route for the same thing. */
    public record Gates(Gate usage, Gate listKeys, Gate createKey, Gate rotateKey, Gate revokeKey, Gate signedIn) {}

    /** The gates of the org's pages (teams and members, usage analytics, audit log), each the API route's for the same thing. */
    public record OrgGates(Gate listTeams, Gate renameTeam, Gate changeRole, Gate removeMember, Gate transferOwnership, Gate usageAnalytics,
            Gate auditLog, Gate addMember) {}

    /** The gates of the overview's alerts and cost: the API's alert listing, acknowledging one, and the cost report. */
    public record OverviewGates(Gate alerts, Gate acknowledgeAlert, Gate costs) {}

    /** The gates of the models page's parts, each the API route's for the same thing; {@code page}: what opening the page takes. */
    public record ModelGates(Gate page, Gate versions, Gate policy, Gate pin, Gate rollback, Gate trainingRequests, Gate train, Gate canary,
            Gate approveCanary, Gate abortCanary) {}

    /** The gates of the insights page: the API's analytics routes and its top tracks route. */
    public record InsightGates(Gate analytics, Gate topTracks) {}

    /** The gates of the webhooks page: the API's endpoint list, deliveries and delivery retry routes. */
    public record WebhookGates(Gate list, Gate deliveries, Gate retry) {}

    /** The gates of the feature flags page: the API's flag list and its flag write. */
    public record FlagGates(Gate list, Gate write) {}

    /** The gates of the billing page: opening it (any member) and the API's checkout and portal routes (owners). */
    public record BillingGates(Gate page, Gate checkout, Gate portal) {}

    /** The gates of the audio page: reading an analysis (the page) and uploading one. */
    public record AudioGates(Gate read, Gate analyze) {}

    private final ConsoleHttp http;
    private final MemberResolver members;
    private final SignInController signIn;
    private final OverviewController overview;
    private final KeysController keys;
    private final TeamsController teamPages;
    private final UsageController usagePage;
    private final AuditLogController auditPage;
    private final InvitationsController invitationPages;
    private final PasswordResetController resetPages;
    private final ServingExtension.Parts parts;
    private final Branding branding;
    private final String publicUrl;

    public ConsoleRoutes(ConsoleSettings settings, ConsoleAccounts accounts, Argon2idPasswords passwords, SessionStore sessions, SignInLimiter limiter,
            TeamStore teams, OrgStore orgs, ServingExtension.Parts parts) {
        this.parts = parts;
        this.publicUrl = settings.publicUrl();
        this.http = new ConsoleHttp(settings.cookieSecure());
        this.branding = new Branding(new Sql(parts.stores().dataSource()), parts.clock());
        this.members = new MemberResolver(sessions, teams, orgs, parts.settings().plans(), branding);
        ClientAddress clientAddress = new ClientAddress(settings.trustedProxies());
        ConsoleMetrics metrics = new ConsoleMetrics(parts.metrics().registry());
        this.signIn = new SignInController(accounts, passwords, sessions, limiter, members, http, clientAddress, metrics);
        Sql sql = new Sql(parts.stores().dataSource());
        this.overview = new OverviewController(parts.usage(), new OverviewData(sql, parts), http);
        this.keys = new KeysController(parts.accounts(), parts.stores().jedis(), parts.clock(), http);
        OrgMembers orgMembers = new OrgMembers(sql);
        Invitations invitations = new Invitations(sql, parts.settings().plans(), parts.clock(), settings.invitationLifetime(), settings.publicUrl());
        this.teamPages = new TeamsController(parts.accounts(), orgMembers, invitations, http);
        this.invitationPages = new InvitationsController(invitations, passwords, teamPages, clientAddress, http);
        this.resetPages = new PasswordResetController(new PasswordResets(sql, accounts, parts.clock(), settings.resetLifetime(), settings.publicUrl()),
                passwords, SignInLimiter.forResets(parts.stores().jedis(), settings.maxFailuresPerAccount(), settings.maxFailuresPerAddress(),
                        settings.signInWindow()), clientAddress, metrics, http);
        this.usagePage = new UsageController(new UsageAnalyticsService(sql, parts.stores().jedis(), parts.clock()),
                new UsageLabels(parts.accounts(), orgMembers), parts.clock(), http);
        this.auditPage = new AuditLogController(new AuditLog(sql), orgMembers, http);
    }

    public void install(Javalin app, Gates gates, OrgGates orgGates, OverviewGates overviewGates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        new StaticAssets().install(app);
        signIn.install(app, guard, gates.signedIn());
        overview.install(app, guard, gates.usage(), overviewGates);
        keys.install(app, guard, gates.listKeys(), gates.createKey(), gates.rotateKey(), gates.revokeKey());
        teamPages.install(app, guard, new TeamsController.Gates(orgGates.listTeams(), orgGates.renameTeam(), orgGates.changeRole(),
                orgGates.removeMember(), orgGates.transferOwnership(), orgGates.addMember()));
        invitationPages.install(app, guard, orgGates.addMember());
        resetPages.install(app, guard);
        usagePage.install(app, guard, orgGates.usageAnalytics());
        auditPage.install(app, guard, orgGates.auditLog());
    }

    /**
     * The models, insights and webhooks pages, through the API's own services: the model service is made as the API
     * makes it, with the app's webhook service (so its events go out with the API's), and reads the same tables.
     */
    public void installModelsInsightsAndWebhooks(Javalin app, ModelGates modelGates, InsightGates insightGates, WebhookGates webhookGates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        javax.sql.DataSource ds = parts.stores().dataSource();
        PlanCatalog plans = parts.settings().plans();
        ModelRegistry registry = new ModelRegistry(ds, plans);
        RedisOnlineStore online = new RedisOnlineStore(parts.stores().jedis(), parts.stores().redisWhere());
        // The queue admits requests by the org's cost cap, as the API's does.
        ModelService models = new ModelService(registry, new ModelSwitch(ds, registry, online, ModelService::audit),
                new TrainingQueue(ds, plans, new CostCap(plans, new OrgCosts(CostCatalog.load()), parts.clock())), ServingApp.webhooks(app));
        Sql sql = new Sql(ds);
        new ModelsController(models, new CanaryService(ServingApp.canaries(app)), new OrgAlgorithms(sql), metering(app), http).install(app, guard, modelGates);
        new InsightsController(new AnalyticsService(sql, registry, online), new CatalogService(sql, new PostgresCatalogStore(ds, plans), parts.clock()),
                parts.clock(), http).install(app, guard, insightGates);
        new WebhooksController(ServingApp.webhooks(app), http).install(app, guard, webhookGates);
    }

    /** The feature flags page, through the API's own flag service. */
    public void installFlags(Javalin app, FlagGates gates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        new FlagsController(new FlagService(new Sql(parts.stores().dataSource()), parts.settings().plans()), parts.settings().plans(), http)
                .install(app, guard, gates.list(), gates.write());
    }

    /** The white label page (gate {@code manage}) and the header's style and logo for every signed-in member ({@code signedIn}). */
    public void installBranding(Javalin app, Gate manage, Gate signedIn) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        new BrandingController(branding, http).install(app, guard, manage, signedIn);
    }

    /** Counting console actions against the quotas with the app's own limiter, alerts and webhooks, their usage events on the API's topic. */
    private ConsoleMetering metering(Javalin app) {
        return new ConsoleMetering(ServingApp.limiter(app), parts.stores().events(), new ThresholdAlerts(ServingApp.alerts(app)::offer),
                ServingApp.webhooks(app)::limitReached, parts.clock());
    }

    /** The billing page, opening Stripe's checkout and portal sessions through the API's own {@link BillingSessions}. */
    public void installBilling(Javalin app, BillingGates gates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        Sql sql = new Sql(parts.stores().dataSource());
        new BillingController(new BillingSessions(sql, parts.settings().plans(), new StripeApi(parts.settings().stripe())),
                parts.settings().plans(), sql, publicUrl, parts.settings().stripe().apiBase(), http).install(app, guard, gates);
    }

    /**
     * Every other GET or POST under the console: its "not found" page. Installed after all pages, since the first route
     * added that matches a path answers it.
     */
    public void installUnknownPages(Javalin app) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        app.get(ConsoleHttp.BASE + "/*", guard.unknownPage());
        app.post(ConsoleHttp.BASE + "/*", guard.unknownPage());
    }

    /** The audio page, analysing through the app's own audio service and counting against the app's own limiter. */
    public void installAudio(Javalin app, AudioGates gates) {
        PageGuard guard = new PageGuard(members, http, parts.settings().plans());
        new AudioController(ServingApp.audio(app), metering(app), new Sql(parts.stores().dataSource()), parts.settings().audio().maxBytes(), http)
                .install(app, guard, gates.read(), gates.analyze());
    }
}
