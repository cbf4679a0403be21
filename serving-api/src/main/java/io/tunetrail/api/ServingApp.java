package io.tunetrail.api;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.servlet.DefaultTasks;
import io.javalin.http.servlet.JavalinServletContext;
import io.javalin.http.servlet.TaskInitializer;
import io.javalin.http.servlet.SubmitOrder;
import io.javalin.http.servlet.Task;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.javalin.json.JavalinJackson;
import io.tunetrail.api.alerts.AlertStore;
import io.tunetrail.api.alerts.AlertWriter;
import io.tunetrail.api.alerts.ThresholdAlerts;
import io.tunetrail.api.audio.AudioAnalysisService;
import io.tunetrail.api.audit.AuditLog;
import io.tunetrail.api.audio.AudioAnalysisStore;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.auth.Authenticator;
import io.tunetrail.api.billing.StripeWebhooks;
import io.tunetrail.api.docs.OpenApiDocument;
import io.tunetrail.api.http.AccessHook;
import io.tunetrail.api.http.AccountController;
import io.tunetrail.api.http.AlertsController;
import io.tunetrail.api.http.AnalyticsController;
import io.tunetrail.api.http.AudioController;
import io.tunetrail.api.http.AuditController;
import io.tunetrail.api.http.AudioUploads;
import io.tunetrail.api.http.ApiRoute;
import io.tunetrail.api.http.CostsController;
import io.tunetrail.api.http.BillingController;
import io.tunetrail.api.http.BodyLimits;
import io.tunetrail.api.http.DataController;
import io.tunetrail.api.http.DocsController;
import io.tunetrail.api.http.ErrorResponses;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.http.ExperimentsController;
import io.tunetrail.api.http.ModelsController;
import io.tunetrail.api.http.OperatorController;
import io.tunetrail.api.http.UsageAnalyticsController;
import io.tunetrail.api.http.WebhooksController;
import io.tunetrail.api.limits.RefusalCounter;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.ops.ApiMetrics;
import io.tunetrail.api.ops.Readiness;
import io.tunetrail.api.service.AccountService;
import io.tunetrail.api.service.AnalyticsService;
import io.tunetrail.api.service.KeyUsageService;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.service.CostService;
import io.tunetrail.api.service.ExperimentService;
import io.tunetrail.api.service.FeedbackService;
import io.tunetrail.api.service.FlagService;
import io.tunetrail.api.service.InteractionService;
import io.tunetrail.api.service.ModelChoice;
import io.tunetrail.api.service.ServedFamilies;
import io.tunetrail.api.service.ModelService;
import io.tunetrail.api.service.RecommendationService;
import io.tunetrail.api.service.UsageAnalyticsService;
import io.tunetrail.api.service.UsageService;
import io.tunetrail.api.service.WebhookService;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.api.store.TeamStore;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.store.catalog.PostgresCatalogStore;
import io.tunetrail.store.costs.CostCap;
import io.tunetrail.store.costs.OrgCosts;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.usage.ApiRefusals;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelSwitch;
import io.tunetrail.store.registry.TrainingQueue;
import io.tunetrail.store.vector.PgVectorStore;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kotlin.Unit;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app factory: builds every store, service and controller over the given backing services, clock and settings,
 * and returns the Javalin instance, not yet started ({@code JavalinTest} starts it in tests, {@code ApiServer} in
 * production).
 *
 * <p>Routes are {@link ApiRoute}s: each declares its {@link io.tunetrail.api.limits.Gate} (scope, plan feature,
 * metered resource), which the one {@link AccessHook} enforces before the handler runs; the OpenAPI document at
 * {@code /api/docs} is generated from the same list.
 */
public final class ServingApp {
    private static final Logger LOG = LoggerFactory.getLogger(ServingApp.class);

    private static final io.javalin.config.Key<WebhookService> WEBHOOKS = new io.javalin.config.Key<>("tunetrail.webhooks");
    private static final io.javalin.config.Key<Authenticator> AUTHENTICATOR = new io.javalin.config.Key<>("tunetrail.authenticator");
    private static final io.javalin.config.Key<List<ApiRoute>> ROUTES = new io.javalin.config.Key<>("tunetrail.routes");
    private static final io.javalin.config.Key<UsageLimiter> LIMITER = new io.javalin.config.Key<>("tunetrail.limiter");
    private static final io.javalin.config.Key<AlertWriter> ALERTS = new io.javalin.config.Key<>("tunetrail.alerts");
    private static final io.javalin.config.Key<RefusalCounter> REFUSALS = new io.javalin.config.Key<>("tunetrail.refusals");
    /** How often this instance adds its counted refusals to PostgreSQL: what a crash can lose. */
    private static final long REFUSALS_FLUSH_SECONDS = 10;
    private static final io.javalin.config.Key<io.tunetrail.store.registry.ModelCanaries> CANARIES = new io.javalin.config.Key<>("tunetrail.canaries");
    private static final io.javalin.config.Key<AudioAnalysisService> AUDIO = new io.javalin.config.Key<>("tunetrail.audio");
    private static final io.javalin.config.Key<java.util.function.Supplier<Map<String, Object>>> DOCUMENT = new io.javalin.config.Key<>("tunetrail.openapi");

    /** The request bodies the OpenAPI document describes, by the schema names routes refer to. */
    private static final java.util.Map<String, Class<?>> REQUEST_SCHEMAS = java.util.Map.ofEntries(
            java.util.Map.entry("CreateKeyRequest", AccountService.CreateKeyRequest.class),
            java.util.Map.entry("CreateTeamRequest", AccountService.CreateTeamRequest.class),
            java.util.Map.entry("AddMemberRequest", AccountService.AddMemberRequest.class),
            java.util.Map.entry("ChangeRoleRequest", AccountService.ChangeRoleRequest.class),
            java.util.Map.entry("RenameTeamRequest", AccountService.RenameTeamRequest.class),
            java.util.Map.entry("TransferOwnershipRequest", AccountService.TransferOwnershipRequest.class),
            java.util.Map.entry("TrackRequest", CatalogService.TrackRequest.class),
            java.util.Map.entry("ArtistRequest", CatalogService.ArtistRequest.class),
            java.util.Map.entry("GenreRequest", CatalogService.GenreRequest.class),
            java.util.Map.entry("FeedbackRequest", FeedbackService.FeedbackRequest.class),
            java.util.Map.entry("RadioRequest", RecommendationService.RadioRequest.class),
            java.util.Map.entry("SimilaritySearchRequest", RecommendationService.SimilaritySearchRequest.class),
            java.util.Map.entry("BatchAnalyzeRequest", io.tunetrail.api.http.AudioJobsController.BatchAnalyzeRequest.class),
            java.util.Map.entry("InteractionEvent", io.tunetrail.model.InteractionEvent.class),
            java.util.Map.entry("TrainRequest", ModelService.TrainRequest.class),
            java.util.Map.entry("PolicyRequest", ModelService.PolicyRequest.class),
            java.util.Map.entry("RollbackRequest", ModelService.RollbackRequest.class),
            java.util.Map.entry("CanaryDecisionRequest", io.tunetrail.api.service.CanaryService.DecisionRequest.class),
            java.util.Map.entry("PinRequest", ModelService.PinRequest.class),
            java.util.Map.entry("CreateWebhookRequest", WebhookService.CreateWebhookRequest.class),
            java.util.Map.entry("CreateExperimentRequest", ExperimentService.CreateExperimentRequest.class),
            java.util.Map.entry("FlagRequest", FlagService.FlagRequest.class),
            java.util.Map.entry("CheckoutRequest", io.tunetrail.api.billing.BillingSessions.CheckoutRequest.class),
            java.util.Map.entry("PortalRequest", io.tunetrail.api.billing.BillingSessions.PortalRequest.class),
            java.util.Map.entry("StripeEvent", java.util.Map.class));

    /** How long /ready waits for each backing service. */
    private static final java.time.Duration READINESS_TIMEOUT = java.time.Duration.ofSeconds(2);

    private ServingApp() {}

    public static Javalin create(ApiStores stores, Clock clock, ApiSettings settings) {
        return create(stores, clock, settings, new ApiMetrics());
    }

    /**
     * As {@link #create(ApiStores, Clock, ApiSettings)}, recording into {@code metrics}, which {@code /metrics} renders
     * and which the app closes when it stops. Pass it to whatever is built here that has meters of its own.
     */
    public static Javalin create(ApiStores stores, Clock clock, ApiSettings settings, ApiMetrics metrics) {
        return create(stores, clock, settings, metrics, List.of());
    }

    /** As {@link #create(ApiStores, Clock, ApiSettings, ApiMetrics)}, with {@code extensions} installed on the same server. */
    public static Javalin create(ApiStores stores, Clock clock, ApiSettings settings, ApiMetrics metrics, List<ServingExtension> extensions) {
        Sql sql = new Sql(stores.dataSource());
        ApiKeyStore keyStore = new ApiKeyStore(sql);
        Authenticator authenticator = new Authenticator(keyStore, settings.plans(), clock, settings.keyCacheMillis(), settings.keyCacheMaxEntries());
        UsageLimiter limiter = new UsageLimiter(stores.jedis(), stores.redisWhere());
        WebhookService webhooks = new WebhookService(sql, clock, settings.webhooks());
        AlertStore alertStore = new AlertStore(sql, clock);
        AlertWriter alertWriter = new AlertWriter(alertStore::record);
        RefusalCounter refusals = new RefusalCounter(new ApiRefusals(stores.dataSource())::add, clock);
        ThresholdAlerts thresholdAlerts = new ThresholdAlerts(alertWriter::offer);
        AccessHook hook = new AccessHook(authenticator, limiter, stores.events(), settings.plans(), clock, webhooks::limitReached, metrics,
                thresholdAlerts, refusals);
        RedisOnlineStore online = new RedisOnlineStore(stores.jedis(), stores.redisWhere());
        PostgresCatalogStore catalog = new PostgresCatalogStore(stores.dataSource(), settings.plans());
        PgVectorStore vectors = new PgVectorStore(stores.dataSource());

        AccountService accounts = new AccountService(keyStore, new TeamStore(sql), new OrgStore(sql), authenticator, thresholdAlerts, clock);
        CatalogService catalogService = new CatalogService(sql, catalog, thresholdAlerts, clock);
        ExperimentService experiments = new ExperimentService(sql, stores.jedis(), clock);
        ModelRegistry registry = new ModelRegistry(stores.dataSource(), settings.plans());
        RecommendationService recommendations = new RecommendationService(online, catalogService, vectors, experiments,
                new ModelChoice(settings.plans(), registry), new ServedFamilies(registry, clock, settings.familiesMissTtlMillis()), clock);
        InteractionService interactions = new InteractionService(stores.jedis(), online, stores.events(), clock);
        UsageService usage = new UsageService(online, clock);
        OrgCosts costs = new OrgCosts(CostCatalog.load());
        CostCap costCap = new CostCap(settings.plans(), costs, clock);

        List<ApiRoute> routes = new ArrayList<>();
        routes.addAll(new AccountController(accounts).routes());
        routes.addAll(new AuditController(new AuditLog(sql)).routes());
        routes.addAll(new AlertsController(alertStore).routes());
        routes.addAll(new UsageAnalyticsController(new UsageAnalyticsService(sql, stores.jedis(), clock), clock).routes());
        FeedbackService feedback = new FeedbackService(catalogService, interactions, stores.jedis(), clock);
        routes.addAll(new DataController(recommendations, catalogService, interactions, feedback, usage).routes());
        ModelSwitch modelSwitch = new ModelSwitch(stores.dataSource(), registry, online, ModelService::audit);
        io.tunetrail.store.registry.ModelCanaries canaries = new io.tunetrail.store.registry.ModelCanaries(stores.dataSource(), registry,
                modelSwitch, online, clock, settings.canary().minJudgements());
        io.tunetrail.api.service.VersionAvailableAnnouncer versionsAvailable = new io.tunetrail.api.service.VersionAvailableAnnouncer(sql, webhooks);
        routes.addAll(new io.tunetrail.api.http.CanaryController(new io.tunetrail.api.service.CanaryService(canaries)).routes());
        routes.addAll(new ModelsController(new ModelService(registry, modelSwitch,
                new TrainingQueue(stores.dataSource(), settings.plans(), costCap), webhooks)).routes());
        routes.addAll(new CostsController(new CostService(sql, costs, clock)).routes());
        routes.addAll(new WebhooksController(webhooks).routes());
        routes.addAll(new ExperimentsController(experiments, new FlagService(sql, settings.plans())).routes());
        routes.addAll(new AnalyticsController(new AnalyticsService(sql, registry, online),
                new KeyUsageService(sql, stores.jedis(), accounts::key, clock), clock).routes());
        // One store for single and batch analysis; AudioAnalysisService closes it when the API stops, after the batches.
        io.tunetrail.store.audio.AudioObjectStore audioObjects = settings.audio().store().open();
        // Each analysis records its measured CPU time in usage_costs; a crossed cost-cap threshold becomes an alert.
        io.tunetrail.api.audio.MeteredAnalyser analyser = new io.tunetrail.api.audio.MeteredAnalyser(settings.audio(),
                io.tunetrail.store.alerts.CostCapAlerts.alertingMeter(stores.dataSource(), settings.plans(), CostCatalog.load(), clock));
        AudioAnalysisService audio = new AudioAnalysisService(settings.audio(), analyser, audioObjects,
                new AudioAnalysisStore(sql), catalogService, limiter, stores.events(), clock);
        AudioAnalysisStore audioAnalyses = new AudioAnalysisStore(sql);
        routes.addAll(new AudioController(audio, new io.tunetrail.api.audio.AudioSimilaritySearch(audioAnalyses, catalogService, vectors,
                new io.tunetrail.store.vector.TrackEmbeddingSources(stores.dataSource()), recommendations, clock, settings.audio().matrixMaxIds()),
                settings.audio().maxBytes()).routes());
        io.tunetrail.api.audio.AudioJobStore audioJobs = new io.tunetrail.api.audio.AudioJobStore(sql, (c, org, job, counts) -> webhooks.emit(c, org,
                io.tunetrail.api.audio.AudioBatchService.COMPLETED_EVENT, io.tunetrail.api.audio.AudioBatchService.completedEvent(job, counts), job));
        io.tunetrail.api.audio.AudioBatchService batches = new io.tunetrail.api.audio.AudioBatchService(settings.audio(), analyser,
                audioObjects, audioJobs, audio, catalogService, new OrgStore(sql), settings.plans(), costCap, limiter,
                stores.events(), clock);
        routes.addAll(new io.tunetrail.api.http.AudioJobsController(batches, audioJobs, settings.audio().maxBytes(),
                settings.audio().batch().maxFiles()).routes());
        StripeWebhooks stripe = new StripeWebhooks(sql, settings.plans(), authenticator, settings.stripeWebhookSecret(), webhooks);
        routes.addAll(new BillingController(stripe, new io.tunetrail.api.billing.BillingSessions(sql, settings.plans(),
                new io.tunetrail.api.billing.StripeApi(settings.stripe()))).routes());
        metrics.bind(stores.events());
        metrics.bind(stores.dataSource());
        metrics.bind(limiter);
        metrics.bind(authenticator);
        metrics.bind(webhooks.counters());
        metrics.bind(alertWriter);
        metrics.bind(batches);
        Readiness readiness = new Readiness(stores.dataSource(), stores.jedis(), stores.events().bootstrapServers(), READINESS_TIMEOUT);
        routes.addAll(new OperatorController(readiness, metrics, settings.metricsToken()).routes());
        java.util.function.Supplier<Map<String, Object>> document = () -> OpenApiDocument.build(routes, settings.plans(), REQUEST_SCHEMAS);
        routes.addAll(DocsController.routes(document));

        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tunetrail-api-last-used");
            t.setDaemon(true);
            return t;
        });
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            Map<String, Long> bodyLimits = new java.util.HashMap<>(Map.of(BillingController.STRIPE_WEBHOOK, settings.stripeMaxBodyBytes(),
                    AudioController.ANALYZE_PATH, settings.audio().maxBytes() + AudioUploads.MULTIPART_ENVELOPE_BYTES,
                    io.tunetrail.api.http.AudioJobsController.BATCH_PATH, settings.audio().batch().maxBytes(),
                    AudioController.SEARCH_BY_AUDIO_PATH, settings.audio().maxBytes() + AudioUploads.MULTIPART_ENVELOPE_BYTES));
            extensions.forEach(e -> e.bodyLimits(settings).forEach(bodyLimits::putIfAbsent));
            BodyLimits limits = new BodyLimits(settings.maxBodyBytes(), bodyLimits,
                    Map.of(AudioController.ANALYZE_PATH, io.tunetrail.api.http.ApiErrors::audioBodyTooLarge,
                            io.tunetrail.api.http.AudioJobsController.BATCH_PATH, io.tunetrail.api.http.ApiErrors::audioBodyTooLarge,
                            AudioController.SEARCH_BY_AUDIO_PATH, io.tunetrail.api.http.ApiErrors::audioBodyTooLarge))
                    .answeringInHandler(extensions.stream().flatMap(e -> e.oversizedBodiesAnsweredByHandler().stream())
                            .collect(java.util.stream.Collectors.toSet()));
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(limits), "/*",
                    EnumSet.of(DispatcherType.REQUEST)));
            // Called once per request after the response is written, with the status the exception mappers set.
            config.requestLogger.http((ctx, ms) -> metrics.request(ctx.method(),
                    ctx.handlerType() == HandlerType.BEFORE ? null : ctx.endpointHandlerPath(), ctx.statusCode(), (long) (ms * 1_000_000)));
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.pvt.servletRequestLifecycle = matchingRouteOnce(skippingBeforeMatchedWhenUnused(config.pvt.servletRequestLifecycle));
            config.appData(AUTHENTICATOR, authenticator);
            config.appData(WEBHOOKS, webhooks);
            // Parked Stripe events whose price was missing from the catalog may apply now that it was (re)loaded.
            config.events.serverStarted(() -> background.execute(() -> stripe.reapplyParked(null)));
            config.appData(ROUTES, List.copyOf(routes));
            config.appData(LIMITER, limiter);
            config.appData(ALERTS, alertWriter);
            config.appData(REFUSALS, refusals);
            // Queued batch files, those of earlier runs included, are claimed once the API serves.
            config.events.serverStarted(batches::start);
            config.appData(CANARIES, canaries);
            config.appData(AUDIO, audio);
            config.appData(DOCUMENT, document);
            config.events.serverStopping(() -> {
                background.shutdown();
                batches.close();
                audio.close();
                alertWriter.close();
                webhooks.close();
                flush(authenticator);
                flush(refusals);
            });
            config.events.serverStopped(() -> {
                readiness.close();
                metrics.close();
            });
        });
        background.scheduleWithFixedDelay(() -> flush(authenticator), 10, 10, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(() -> flush(refusals), REFUSALS_FLUSH_SECONDS, REFUSALS_FLUSH_SECONDS, TimeUnit.SECONDS);
        // Quota, limiter and ledger keys carry no TTL, so Redis's volatile-lru never evicts them; past periods go here.
        io.tunetrail.store.online.RedisRetention retention = new io.tunetrail.store.online.RedisRetention(stores.jedis(), stores.redisWhere());
        background.scheduleWithFixedDelay(() -> prune(retention, clock), 60, 60, TimeUnit.MINUTES);
        background.scheduleWithFixedDelay(() -> reconcile(limiter), 1, 1, TimeUnit.SECONDS);
        // Each decision locks its canary, so instances deciding at once may race safely.
        long decideSeconds = settings.canary().decideEvery().toSeconds();
        background.scheduleWithFixedDelay(() -> decideCanaries(canaries), decideSeconds, decideSeconds, TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(() -> announce(versionsAvailable), decideSeconds, decideSeconds, TimeUnit.SECONDS);
        if (settings.webhookDispatchMillis() > 0) {
            background.scheduleWithFixedDelay(() -> dispatch(webhooks), settings.webhookDispatchMillis(), settings.webhookDispatchMillis(),
                    TimeUnit.MILLISECONDS);
        }
        ErrorResponses.register(app, settings.maxBodyBytes());
        for (ApiRoute route : routes) {
            app.addHttpHandler(route.method(), route.path(), hook.guard(route.requireResponse().gate(), route.handler()));
        }
        ServingExtension.Parts parts = new ServingExtension.Parts(stores, clock, settings, authenticator, accounts, usage, List.copyOf(routes),
                metrics);
        extensions.forEach(e -> e.install(app, parts));
        return app;
    }

    /** The app's authenticator (tests and the server flush last-use times through it). */
    public static Authenticator authenticator(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(AUTHENTICATOR);
    }

    /** The routes the app serves, as registered (the cross-org probe enumerates the ones with path parameters). */
    public static List<ApiRoute> routes(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(ROUTES);
    }

    /** The app's webhook service (tests send due deliveries through it). */
    public static WebhookService webhooks(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(WEBHOOKS);
    }

    /** The app's usage limiter (its degraded-mode counters; tests reconcile through it). */
    public static UsageLimiter limiter(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(LIMITER);
    }

    /** The app's threshold-alert writer (tests wait for it to record what was detected). */
    public static AlertWriter alerts(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(ALERTS);
    }

    /** The app's OpenAPI document, as {@code /api/docs} serves it (a build writes it to a file for client generation). */
    public static Map<String, Object> openApiDocument(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(DOCUMENT).get();
    }

    /** The app's refusal counter (tests flush it instead of waiting for the schedule). */
    public static RefusalCounter refusals(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(REFUSALS);
    }

    /** The app's canaries (tests decide due canaries through them instead of waiting for the schedule). */
    public static io.tunetrail.store.registry.ModelCanaries canaries(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(CANARIES);
    }

    /** The app's audio analysis (the console's upload page analyses through it, under the same limits and pool). */
    public static AudioAnalysisService audio(Javalin app) {
        return app.unsafeConfig().pvt.appDataManager.get(AUDIO);
    }

    private static void announce(io.tunetrail.api.service.VersionAvailableAnnouncer versionsAvailable) {
        try {
            versionsAvailable.announce();
        } catch (RuntimeException e) {
            LOG.warn("announcing new model versions failed: {}", e.getMessage());
        }
    }

    private static void decideCanaries(io.tunetrail.store.registry.ModelCanaries canaries) {
        try {
            canaries.decideDue().forEach(d -> LOG.info("org {}: canary {} of {}: {} ({})", d.canary().orgId(), d.canary().canaryId(),
                    d.canary().algorithm(), d.result(), d.reason()));
        } catch (RuntimeException e) {
            LOG.warn("deciding canaries failed: {}", e.getMessage());
        }
    }

    private static void reconcile(UsageLimiter limiter) {
        try {
            limiter.reconcile();
        } catch (RuntimeException e) {
            LOG.warn("usage reconciliation failed: {}", e.getMessage());
        }
    }

    private static void dispatch(WebhookService webhooks) {
        try {
            webhooks.pump();
        } catch (RuntimeException e) {
            LOG.warn("webhook dispatch failed: {}", e.getMessage());
        }
    }

    private static void prune(io.tunetrail.store.online.RedisRetention retention, Clock clock) {
        try {
            io.tunetrail.store.online.RedisRetention.Pruned p = retention.prune(clock.instant());
            LOG.info("Redis retention removed {} usage counters, {} ledger totals, {} idle rate-limit states", p.usage(), p.ledger(), p.rateLimit());
        } catch (RuntimeException e) {
            LOG.warn("Redis retention did not run: {}", e.getMessage());
        }
    }

    /**
     * Javalin 6.7's before-matched step finds the request's route (a regular expression per route, in order, on the
     * API's ~90 routes) on every request, before it looks whether any before-matched handler exists; the API
     * registers none, and its own route lookup and its roles lookup scan the routes again. The profile of
     * {@code bench api} put two fifths of the route matching there (9.3% of all samples). The step now runs only while a
     * before-matched handler is registered (a test or an extension may add one), and then exactly as before.
     */
    private static List<TaskInitializer<JavalinServletContext>> skippingBeforeMatchedWhenUnused(
            List<TaskInitializer<JavalinServletContext>> lifecycle) {
        TaskInitializer<JavalinServletContext> beforeMatched = DefaultTasks.INSTANCE.getBEFORE_MATCHED();
        List<TaskInitializer<JavalinServletContext>> steps = new ArrayList<>(lifecycle);
        steps.replaceAll(step -> step != beforeMatched ? step : (submit, servlet, ctx, requestUri) -> {
            if (servlet.getRouter().findHttpHandlerEntries(HandlerType.BEFORE_MATCHED, null).findAny().isPresent()) {
                beforeMatched.createTasks(submit, servlet, ctx, requestUri);
            }
        });
        return steps;
    }

    /**
     * Javalin's endpoint step (HTTP) finds the request's route by matching the path against every route's pattern in
     * order (a regular expression each, about 90 routes), then, when it runs, matches them all a second time to look up
     * the route's roles: 13% of the bench's samples together. This step finds the route once, takes the roles from it,
     * and remembers the route of a path that is a route's own path (no parameters: at most one entry per route). Javalin
     * only ever appends routes, so the first match of a path, once found, stays its first match. A path no route
     * matches goes to Javalin's own step (404, 405). Uses Javalin internals ({@code config.pvt}): recheck on an upgrade.
     */
    private static List<TaskInitializer<JavalinServletContext>> matchingRouteOnce(List<TaskInitializer<JavalinServletContext>> lifecycle) {
        TaskInitializer<JavalinServletContext> endpoint = DefaultTasks.INSTANCE.getHTTP();
        Map<HandlerType, Map<String, ParsedEndpoint>> exactPaths = new java.util.concurrent.ConcurrentHashMap<>();
        List<TaskInitializer<JavalinServletContext>> steps = new ArrayList<>(lifecycle);
        steps.replaceAll(step -> step != endpoint ? step : (submit, servlet, ctx, requestUri) -> {
            Map<String, ParsedEndpoint> known = exactPaths.computeIfAbsent(ctx.method(), m -> new java.util.concurrent.ConcurrentHashMap<>());
            ParsedEndpoint route = known.get(requestUri);
            if (route == null) {
                route = servlet.getRouter().findHttpHandlerEntries(ctx.method(), requestUri).findFirst().orElse(null);
                if (route == null) {
                    endpoint.createTasks(submit, servlet, ctx, requestUri);
                    return;
                }
                if (requestUri.equals(route.getEndpoint().getPath())) {
                    known.put(requestUri, route);
                }
            }
            ParsedEndpoint matched = route;
            submit.invoke(SubmitOrder.LAST, new Task(true, () -> {
                Roles roles = matched.getEndpoint().metadata(Roles.class);
                ctx.setRouteRoles$javalin(roles == null ? Set.of() : roles.getRoles());
                matched.handle(ctx, requestUri);
                return Unit.INSTANCE;
            }));
        });
        return steps;
    }

    private static void flush(Authenticator authenticator) {
        try {
            authenticator.flushLastUsed();
        } catch (RuntimeException e) {
            LOG.warn("could not record API key last use: {}", e.getMessage());
        }
    }

    private static void flush(RefusalCounter refusals) {
        try {
            refusals.flush();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and keep the schedule.
            LOG.warn("could not count refused API calls: {}", e.getMessage());
        }
    }
}
