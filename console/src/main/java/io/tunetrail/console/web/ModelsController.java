package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.ModelService;
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
 * requests with their progress ({@link #TRAINING_JSON}, polled while one is unfinished). Every part is decided by the
 * gate of the API route doing the same thing and done through the API's {@link ModelService}, so a plan or role sees
 * here exactly what the API would answer; another org's version is not found.
 *
 * <p>Training is not requested from here: the API's route counts it against the month's {@code model_training}
 * quota and bills it in its access hook, which a console form would bypass.
 */
final class ModelsController {
    static final String PATH = ConsoleHttp.BASE + "/models";
    static final String METRICS_JSON = ConsoleHttp.BASE + "/api/model-metrics";
    static final String TRAINING_JSON = ConsoleHttp.BASE + "/api/training-requests";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String DEFAULT_ALGORITHM = "als";

    private final ModelService models;
    private final OrgAlgorithms algorithms;
    private final ConsoleHttp http;

    ModelsController(ModelService models, OrgAlgorithms algorithms, ConsoleHttp http) {
        this.models = models;
        this.algorithms = algorithms;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, ConsoleRoutes.ModelGates gates) {
        app.get(PATH, guard.page(gates.page(), "The models page", (ctx, m) -> page(ctx, m, guard, gates)));
        app.get(METRICS_JSON, guard.page(gates.versions(), "The model metrics", this::metrics));
        app.get(TRAINING_JSON, guard.page(gates.trainingRequests(), "The training requests", this::training));
        app.post(PATH + "/pin", guard.page(gates.pin(), "Pinning a model version", this::pin));
        app.get(PATH + "/rollback", guard.page(gates.rollback(), "Rolling back a model", this::confirmRollback));
        app.post(PATH + "/rollback", guard.page(gates.rollback(), "Rolling back a model", this::rollback));
    }

    private void page(Context ctx, Member m, PageGuard guard, ConsoleRoutes.ModelGates gates) {
        String algorithm = algorithm(ctx.queryParam("algorithm"));
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
        http.render(ctx, 200, "models.jte", new Views.Models(m.frame("Models", "models"), m.session().csrfToken(), algorithm, choices, list, rows,
                active, pinned, promotions, guard.action(gates.pin(), m, "Pinning a version"), guard.action(gates.rollback(), m, "Rolling back"),
                training, requests, notice(ctx.queryParam("done"))));
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
        if ("pinned".equals(done)) {
            return "Pinned: the version is active from the next request on and stays until it is unpinned.";
        }
        return "rolled-back".equals(done) ? "Rolled back: the previous retained version is active from the next request on." : null;
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
