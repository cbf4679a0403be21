package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.ModelService;
import io.tunetrail.store.registry.TrainingRequest;
import java.util.List;

/** Enterprise: custom training requests and the org's model policy (pin, unpin, freeze). */
public final class ModelsController {
    private static final String FEATURE = "custom_model_training";
    private static final String TAG = "Models";
    private static final Gate TRAIN = new Gate(Scope.WRITE, FEATURE, Gate.MODEL_TRAINING, 1, null, null);
    private static final Gate READ = Gate.metered(Scope.READ, FEATURE);
    private static final Gate WRITE = Gate.metered(Scope.WRITE, FEATURE);
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, FEATURE);
    /** Rollback is for every plan whose org has trained models of its own: an admin's emergency action, not a premium one. */
    private static final Gate ROLLBACK = Gate.unmetered(Scope.ADMIN, null);

    private final ModelService models;

    public record TrainingRequests(List<TrainingRequest> requests) {}

    public record Versions(List<ModelService.Version> versions) {}

    public ModelsController(ModelService models) {
        this.models = models;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post("/api/v1/models/train", TRAIN, TAG, "Queue a custom training run on your data (counts against model_training per month)",
                        ctx -> ctx.status(202).json(models.train(principal(ctx), Json.read(ctx.bodyAsBytes(), ModelService.TrainRequest.class))))
                        .body("TrainRequest").status(202).returns(TrainingRequest.class),
                ApiRoute.get("/api/v1/models/train", READ, TAG, "Your training requests, newest first",
                        ctx -> ctx.json(new TrainingRequests(models.requests(principal(ctx))))).returns(TrainingRequests.class),
                ApiRoute.get("/api/v1/models/train/{request_id}", READ, TAG, "One training request",
                        ctx -> ctx.json(models.request(principal(ctx), ctx.pathParam("request_id")))).returns(TrainingRequest.class),
                ApiRoute.delete("/api/v1/models/train/{request_id}", WRITE, TAG, "Cancel a queued or running training request (a running one stops at its worker's next heartbeat); the key that queued it or an admin key",
                        ctx -> ctx.json(models.cancel(principal(ctx), ctx.pathParam("request_id")))).returns(TrainingRequest.class),
                ApiRoute.get("/api/v1/models/policy", READ, TAG, "Your model policy: the plan's, your pin and your freeze",
                        ctx -> ctx.json(models.policy(principal(ctx)))).returns(ModelService.Policy.class),
                ApiRoute.put("/api/v1/models/policy", ADMIN, TAG, "Pin a model version (it becomes active and stays), unpin, or freeze promotions",
                        ctx -> ctx.json(models.setPolicy(principal(ctx), Json.read(ctx.bodyAsBytes(), ModelService.PolicyRequest.class))))
                        .body("PolicyRequest").returns(ModelService.Policy.class),
                ApiRoute.post("/api/v1/models/rollback", ROLLBACK, TAG, "Go back to the previous retained model version now (admin); "
                                + "from_version guards against a second rollback racing the first (409 rollback_conflict)",
                        ctx -> ctx.json(models.rollback(principal(ctx), Json.read(ctx.bodyAsBytes(), ModelService.RollbackRequest.class))))
                        .body("RollbackRequest").returns(ModelService.Change.class),
                ApiRoute.post("/api/v1/models/pin", ADMIN, TAG, "Pin a model version: it is served from the next request on and stays until unpinned",
                        ctx -> ctx.json(models.pin(principal(ctx), Json.read(ctx.bodyAsBytes(), ModelService.PinRequest.class))))
                        .body("PinRequest").returns(ModelService.Change.class),
                ApiRoute.get("/api/v1/models/versions", READ, TAG, "Your model versions of an algorithm, newest first",
                        ctx -> ctx.json(new Versions(models.versions(principal(ctx), ctx.queryParam("algorithm"))))).query("algorithm")
                        .returns(Versions.class));
    }
}
