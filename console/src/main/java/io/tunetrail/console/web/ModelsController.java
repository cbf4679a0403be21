package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.CanaryService;
import io.tunetrail.api.service.ModelService;
import io.tunetrail.store.registry.ModelCanaries;
import io.tunetrail.store.registry.TrainingRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The models page: the org's versions of one algorithm with their evaluation metrics (drawn over time by
 * {@code models.js} from {@link #METRICS_JSON}), the active and pinned versions, pin and rollback, and the training
 * requests with their progress ({@link #TRAINING_JSON}, polled while one is unfinished), and the lineage's canary with
 * the owner's approve and abort (the API's {@link CanaryService}). Every part is decided by the
 * gate of the API route doing the same thing and done through the API's {@link ModelService}, so a plan or role sees
 * here exactly what the API would answer; another org's version is not found.
 *
 * <p>Training is requested here as through {@code POST /api/v1/models/train}: its gate, its request's validation, the
 * service's queue (admitted by the cost cap), one unit of the plan's {@code model_training} quota counted before and
 * billed after ({@link ConsoleMetering}), given back when the queue refuses.
 */
final class ModelsController {
    static final String PATH = ConsoleHttp.BASE + "/models";
    static final String METRICS_JSON = ConsoleHttp.BASE + "/api/model-metrics";
    static final String TRAINING_JSON = ConsoleHttp.BASE + "/api/training-requests";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String DEFAULT_ALGORITHM = "als";
    /** The params field's bound, checked before it is parsed; the API's whole request body is bounded likewise. */
    static final int MAX_PARAMS_CHARS = 4_096;

    private final ModelService models;
    private final CanaryService canaries;
    private final OrgAlgorithms algorithms;
    private final ConsoleMetering metering;
    private final ConsoleHttp http;

    ModelsController(ModelService models, CanaryService canaries, OrgAlgorithms algorithms, ConsoleMetering metering, ConsoleHttp http) {
        this.models = models;
        this.canaries = canaries;
        this.algorithms = algorithms;
        this.metering = metering;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, ConsoleRoutes.ModelGates gates) {
        app.get(PATH, guard.page(gates.page(), "The models page", (ctx, m) -> page(ctx, m, guard, gates, null, Map.of(), 200)));
        app.post(PATH + "/train", guard.page(gates.train(), "Requesting training", (ctx, m) -> train(ctx, m, guard, gates)));
        app.get(METRICS_JSON, guard.page(gates.versions(), "The model metrics", this::metrics));
        app.get(TRAINING_JSON, guard.page(gates.trainingRequests(), "The training requests", this::training));
        app.post(PATH + "/pin", guard.page(gates.pin(), "Pinning a model version", this::pin));
        app.get(PATH + "/rollback", guard.page(gates.rollback(), "Rolling back a model", this::confirmRollback));
        app.post(PATH + "/rollback", guard.page(gates.rollback(), "Rolling back a model", this::rollback));
        app.post(PATH + "/canary/approve", guard.page(gates.approveCanary(), "Approving a canary", (ctx, m) -> decideCanary(ctx, m, true)));
        app.post(PATH + "/canary/abort", guard.page(gates.abortCanary(), "Aborting a canary", (ctx, m) -> decideCanary(ctx, m, false)));
    }

    private void page(Context ctx, Member m, PageGuard guard, ConsoleRoutes.ModelGates gates, Views.TrainForm trainForm,
            Map<String, String> trainErrors, int status) {
        String algorithm = trainForm != null && trainErrors.containsKey("algorithm") ? DEFAULT_ALGORITHM
                : algorithm(trainForm != null ? trainForm.algorithm() : ctx.queryParam("algorithm"));
        Views.Action list = guard.action(gates.versions(), m, "Listing model versions");
        List<Views.VersionRow> rows = null;
        String active = null;
        String pinned = null;
        String promotions = null;
        if (list.allowed()) {
            ModelService.Policy policy = guard.action(gates.policy(), m, "Reading the model policy").allowed() ? models.policy(m.principal()) : null;
            Long pinnedId = policy == null ? null : policy.pinnedVersionId();
            promotions = policy == null ? null : policy.frozen() ? "frozen: new versions stay candidates until you unfreeze"
                    : "as your plan's model policy says (" + policy.planPolicy().replace('_', ' ') + ")";
            rows = new ArrayList<>();
            for (ModelService.Version v : models.versions(m.principal(), algorithm)) {
                boolean isActive = "active".equals(v.status());
                boolean isPinned = pinnedId != null && pinnedId == v.id();
                active = isActive ? v.version() : active;
                pinned = isPinned ? v.version() : pinned;
                rows.add(new Views.VersionRow(Long.toString(v.id()), v.version(), v.status(), metricsText(v.metrics()), when(v.createdAt()),
                        when(v.promotedAt()), isActive, isPinned));
            }
        }
        Views.Action training = guard.action(gates.trainingRequests(), m, "Training requests");
        List<Views.TrainingRow> requests = training.allowed()
                ? models.requests(m.principal()).stream().map(ModelsController::trainingRow).toList()
                : List.of();
        List<String> choices = new ArrayList<>(new TreeSet<>(algorithms.of(m.principal().orgId(), DEFAULT_ALGORITHM)));
        if (!choices.contains(algorithm)) {
            choices.add(algorithm);
        }
        http.render(ctx, status, "models.jte", new Views.Models(m.frame("Models", "models"), m.session().csrfToken(), algorithm, choices, list, rows,
                active, pinned, promotions, guard.action(gates.pin(), m, "Pinning a version"), guard.action(gates.rollback(), m, "Rolling back"),
                training, requests, notice(ctx.queryParam("done")), canary(m, guard, gates, algorithm),
                guard.action(gates.approveCanary(), m, "Approving or aborting a canary"), guard.action(gates.train(), m, "Requesting training"),
                trainForm != null ? trainForm : new Views.TrainForm(algorithm, ""), trainErrors));
    }

    /**
     * Queues a training request as the API's route does; bad input comes back beside its field with nothing queued
     * or counted, and a unit counted for a request the queue then refuses is given back.
     */
    private void train(Context ctx, Member m, PageGuard guard, ConsoleRoutes.ModelGates gates) {
        Views.TrainForm form = new Views.TrainForm(Objects.requireNonNullElse(ctx.formParam("algorithm"), "").trim(),
                Objects.requireNonNullElse(ctx.formParam("params"), "").trim());
        Map<String, String> errors = new LinkedHashMap<>();
        ModelService.TrainRequest request = null;
        Map<String, Object> params = trainParams(form.params(), errors);
        if (errors.isEmpty()) {
            try {
                request = new ModelService.TrainRequest(form.algorithm().isEmpty() ? null : form.algorithm(), params);
            } catch (ApiException e) {
                errors.put("algorithm".equals(e.field()) ? "algorithm" : "params", e.detail());
            }
        }
        if (!errors.isEmpty()) {
            page(ctx, m, guard, gates, form, errors, 400);
            return;
        }
        ConsoleMetering.Counted counted;
        try {
            counted = metering.count(m.principal(), gates.train().resource(), "POST " + PATH + "/train");
        } catch (ConsoleMetering.QuotaRefused e) {
            page(ctx, m, guard, gates, form, Map.of("algorithm", e.getMessage()), 429);
            return;
        }
        TrainingRequest queued;
        try {
            queued = models.train(m.principal(), request);
        } catch (RuntimeException e) {
            metering.refund(counted);
            String why = e instanceof io.tunetrail.store.costs.CostCapReached
                    ? "Your organisation's cost cap for this month is reached; nothing was queued. Raise the cap or wait for the next month."
                    : e instanceof io.tunetrail.store.StoreException s && s.kind() == io.tunetrail.store.StoreException.Kind.INVALID ? s.getMessage()
                    : null;
            if (why == null) {
                throw e;
            }
            page(ctx, m, guard, gates, form, Map.of("params", why), e instanceof io.tunetrail.store.costs.CostCapReached ? 402 : 400);
            return;
        }
        metering.publish(counted);
        ConsoleHttp.redirect(ctx, PATH + "?algorithm=" + queued.algorithm() + "&done=training-queued");
    }

    /** The params field: empty for none, else a JSON object of at most {@link #MAX_PARAMS_CHARS} characters. */
    private static Map<String, Object> trainParams(String raw, Map<String, String> errors) {
        if (raw.isEmpty()) {
            return Map.of();
        }
        if (raw.length() > MAX_PARAMS_CHARS) {
            errors.put("params", "The parameters must be at most " + MAX_PARAMS_CHARS + " characters of JSON.");
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = io.tunetrail.api.http.Json.mapper().readTree(raw);
            if (node != null && node.isObject()) {
                return io.tunetrail.api.http.Json.mapper().convertValue(node,
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // answered below, as for any JSON that is not an object
        }
        errors.put("params", "The parameters must be a JSON object such as {\"rank\": 64}, or empty for the defaults.");
        return null;
    }

    /** The lineage's running (else latest) canary as the API shows it; null when the org never had one or may not read it. */
    private Views.CanaryView canary(Member m, PageGuard guard, ConsoleRoutes.ModelGates gates, String algorithm) {
        if (!guard.action(gates.canary(), m, "Reading the canary").allowed()) {
            return null;
        }
        CanaryService.Canary c;
        try {
            c = canaries.get(m.principal(), algorithm);
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
        boolean running = "running".equals(c.state());
        String decided = c.decidedAt() == null ? "" : when(c.decidedAt()) + (c.decidedBy() == null ? "" : " by " + c.decidedBy());
        return new Views.CanaryView(Long.toString(c.canaryId()), c.state(), c.candidate().version(), c.active().version(), c.sharePercent(),
                when(c.endsAt()), figuresText(c.figures()), decided, running);
    }

    /**
     * Approve or abort through the API's service, naming the canary the owner looked at: when another one runs by now,
     * or it was decided meanwhile, nothing is decided (the API's 409, shown as a page).
     */
    private void decideCanary(Context ctx, Member m, boolean approve) {
        String raw = Objects.requireNonNullElse(ctx.formParam("canary_id"), "").trim();
        if (!raw.matches("\\d{1,18}")) {
            throw Check.invalid("canary_id", "'canary_id' must be a canary id such as 7");
        }
        CanaryService.DecisionRequest request = new CanaryService.DecisionRequest(algorithm(ctx.formParam("algorithm")), Long.parseLong(raw));
        CanaryService.Decided d = approve ? canaries.approve(m.principal(), request) : canaries.abort(m.principal(), request);
        ConsoleHttp.redirect(ctx, PATH + "?algorithm=" + d.canary().algorithm() + "&done=" + (approve ? "canary-approved" : "canary-aborted"));
    }

    /** One series per numeric metric over the versions' creation times, oldest first, for uPlot. */
    private void metrics(Context ctx, Member m) {
        List<ModelService.Version> versions = new ArrayList<>(models.versions(m.principal(), algorithm(ctx.queryParam("algorithm"))));
        versions.sort(Comparator.comparing(ModelService.Version::createdAt).thenComparing(ModelService.Version::id));
        TreeSet<String> names = new TreeSet<>();
        versions.forEach(v -> v.metrics().forEach((k, value) -> {
            if (value instanceof Number) {
                names.add(k);
            }
        }));
        List<Map<String, Object>> series = new ArrayList<>();
        for (String name : names) {
            List<Double> values = versions.stream().map(v -> v.metrics().get(name) instanceof Number n ? n.doubleValue() : null)
                    .collect(Collectors.toCollection(ArrayList::new));
            series.add(Map.of("metric", name, "values", values));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("times", versions.stream().map(v -> v.createdAt().getEpochSecond()).toList());
        body.put("versions", versions.stream().map(ModelService.Version::version).toList());
        body.put("series", series);
        ctx.json(body);
    }

    private void training(Context ctx, Member m) {
        ctx.json(Map.of("requests", models.requests(m.principal()).stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("request_id", r.requestId());
            row.put("status", r.status().name().toLowerCase(Locale.ROOT));
            row.put("stage", r.stage());
            row.put("percent", r.percent());
            row.put("unfinished", !r.status().isFinal());
            return row;
        }).toList()));
    }

    private void pin(Context ctx, Member m) {
        String raw = Objects.requireNonNullElse(ctx.formParam("version_id"), "").trim();
        if (!raw.matches("\\d{1,18}")) {
            throw Check.invalid("version_id", "'version_id' must be a model version id such as 42");
        }
        ModelService.Change change = models.pin(m.principal(), new ModelService.PinRequest(Long.parseLong(raw)));
        ConsoleHttp.redirect(ctx, PATH + "?algorithm=" + change.algorithm() + "&done=pinned");
    }

    private void confirmRollback(Context ctx, Member m) {
        String algorithm = algorithm(ctx.queryParam("algorithm"));
        String from = ctx.queryParam("from_version");
        // Validated as the API validates it, before it is shown back in the form.
        new ModelService.RollbackRequest(algorithm, from == null || from.isBlank() ? null : from);
        http.render(ctx, 200, "rollback.jte", new Views.RollbackConfirm(m.frame("Roll back", "models"), m.session().csrfToken(), algorithm,
                from == null || from.isBlank() ? null : from));
    }

    private void rollback(Context ctx, Member m) {
        String from = ctx.formParam("from_version");
        ModelService.Change change = models.rollback(m.principal(), new ModelService.RollbackRequest(algorithm(ctx.formParam("algorithm")),
                from == null || from.isBlank() ? null : from.trim()));
        ConsoleHttp.redirect(ctx, PATH + "?algorithm=" + change.algorithm() + "&done=rolled-back");
    }

    /** The algorithm asked for, as the API checks it (a refused one is a 400 page), or als. */
    private static String algorithm(String raw) {
        String a = raw == null || raw.isBlank() ? DEFAULT_ALGORITHM : raw.trim();
        return new ModelService.RollbackRequest(a, null).algorithm();
    }

    private static String notice(String done) {
        if ("training-queued".equals(done)) {
            return "Training queued: its progress shows below as the worker reports it; it counted one unit of your monthly model_training quota.";
        }
        if ("pinned".equals(done)) {
            return "Pinned: the version is active from the next request on and stays until it is unpinned.";
        }
        return switch (Objects.requireNonNullElse(done, "")) {
            case "rolled-back" -> "Rolled back: the previous retained version is active from the next request on.";
            case "canary-approved" -> "Canary approved: its candidate is the active version for every listener from the next request on.";
            case "canary-aborted" -> "Canary aborted: every listener is served the active version again from the next request on.";
            default -> null;
        };
    }

    private static String figuresText(Map<String, Object> figures) {
        if (figures == null || figures.isEmpty()) {
            return "no figures yet";
        }
        return figures.entrySet().stream().map(e -> e.getKey().replace('_', ' ') + ": " + (e.getValue() instanceof ModelCanaries.Arm a ? armText(a)
                : number(e.getValue()))).collect(Collectors.joining("; "));
    }

    private static String armText(ModelCanaries.Arm a) {
        return a.version() + ", " + a.positive() + " positive / " + a.negative() + " negative"
                + (a.positiveRate() == null ? "" : String.format(Locale.ROOT, " (%.1f %%)", 100 * a.positiveRate()));
    }

    private static Views.TrainingRow trainingRow(TrainingRequest r) {
        return new Views.TrainingRow(r.requestId(), r.algorithm(), r.status().name().toLowerCase(Locale.ROOT), Objects.requireNonNullElse(r.stage(), ""),
                r.percent() == null ? "" : r.percent() + " %", when(r.createdAt()), Objects.requireNonNullElse(r.error(), ""), !r.status().isFinal());
    }

    private static String metricsText(Map<String, Object> metrics) {
        return metrics.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " " + number(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String number(Object v) {
        return v instanceof Double || v instanceof Float ? String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue()) : String.valueOf(v);
    }

    private static String when(Instant t) {
        return t == null ? "" : WHEN.format(t);
    }
}
