package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.ExperimentService;
import io.tunetrail.api.service.FlagService;
import java.util.List;

/** Enterprise A/B experiments over model versions, and feature flags (owners and admins manage, any key evaluates). */
public final class ExperimentsController {
    private static final String TRAINING = "custom_model_training";
    private static final Gate EXP_ADMIN = Gate.unmetered(Scope.ADMIN, TRAINING);
    private static final Gate EXP_READ = Gate.metered(Scope.READ, TRAINING);
    private static final Gate FLAG_ADMIN = Gate.unmetered(Scope.ADMIN, null).requiring(Role.ADMIN);
    private static final Gate FLAG_READ = Gate.metered(Scope.READ, null);

    private final ExperimentService experiments;
    private final FlagService flags;

    public record Experiments(List<ExperimentService.Experiment> experiments) {}

    public record Flags(List<FlagService.Flag> flags) {}

    public ExperimentsController(ExperimentService experiments, FlagService flags) {
        this.experiments = experiments;
        this.flags = flags;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post("/api/v1/experiments", EXP_ADMIN, "Experiments", "Start an A/B experiment: two or more arms, each a model version with a weight",
                        ctx -> ctx.status(201).json(experiments.create(principal(ctx),
                                Json.read(ctx.bodyAsBytes(), ExperimentService.CreateExperimentRequest.class)))).body("CreateExperimentRequest").status(201)
                        .returns(ExperimentService.Experiment.class),
                ApiRoute.get("/api/v1/experiments", EXP_READ, "Experiments", "The org's experiments",
                        ctx -> ctx.json(new Experiments(experiments.list(principal(ctx))))).returns(Experiments.class),
                ApiRoute.get("/api/v1/experiments/{experiment_id}", EXP_READ, "Experiments", "One experiment",
                        ctx -> ctx.json(experiments.get(principal(ctx), ctx.pathParam("experiment_id")))).returns(ExperimentService.Experiment.class),
                ApiRoute.post("/api/v1/experiments/{experiment_id}/stop", EXP_ADMIN, "Experiments", "Stop an experiment (results stay readable)",
                        ctx -> ctx.json(experiments.stop(principal(ctx), ctx.pathParam("experiment_id")))).returns(ExperimentService.Experiment.class),
                ApiRoute.get("/api/v1/experiments/{experiment_id}/assignment", EXP_READ, "Experiments",
                        "A listener's arm: deterministic (stable hash of experiment and listener), in proportion to the weights",
                        ctx -> ctx.json(experiments.assign(principal(ctx), ctx.pathParam("experiment_id"), ctx.queryParam("user_id")))).query("user_id")
                        .returns(ExperimentService.Assignment.class),
                ApiRoute.get("/api/v1/experiments/{experiment_id}/results", EXP_READ, "Experiments",
                        "Feedback per arm (likes, dislikes, skips, ... sent with the arm's model_version) and its positive rate",
                        ctx -> ctx.json(experiments.results(principal(ctx), ctx.pathParam("experiment_id")))).returns(ExperimentService.Results.class),
                ApiRoute.get("/api/v1/feature-flags", FLAG_ADMIN, "Feature flags", "The org's feature flags",
                        ctx -> ctx.json(new Flags(flags.list(principal(ctx))))).returns(Flags.class),
                ApiRoute.put("/api/v1/feature-flags/{flag_key}", FLAG_ADMIN, "Feature flags",
                        "Create or change a flag: enabled, the plans it applies to, the percentage of listeners it rolls out to",
                        ctx -> ctx.json(flags.put(principal(ctx), ctx.pathParam("flag_key"), Json.read(ctx.bodyAsBytes(), FlagService.FlagRequest.class))))
                        .body("FlagRequest").returns(FlagService.Flag.class),
                ApiRoute.delete("/api/v1/feature-flags/{flag_key}", FLAG_ADMIN, "Feature flags", "Delete a flag",
                        ctx -> {
                            flags.delete(principal(ctx), ctx.pathParam("flag_key"));
                            ctx.status(204);
                        }).status(204),
                ApiRoute.get("/api/v1/feature-flags/{flag_key}/evaluate", FLAG_READ, "Feature flags", "Whether a flag is on for a listener, and why",
                        ctx -> ctx.json(flags.evaluate(principal(ctx), ctx.pathParam("flag_key"), ctx.queryParam("user_id")))).query("user_id")
                        .returns(FlagService.Evaluation.class));
    }
}
