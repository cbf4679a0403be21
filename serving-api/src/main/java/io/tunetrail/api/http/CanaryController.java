package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Role;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.CanaryService;
import java.util.List;

/** The model canary of plans whose model policy has one: its state for every key, approve and abort for owners. */
public final class CanaryController {
    private static final String TAG = "Models";
    private static final Gate READ = Gate.metered(Scope.READ, null);
    /** Approving or aborting decides what every listener is served: the owner's call, as for the plan itself. */
    private static final Gate OWNER = Gate.unmetered(Scope.ADMIN, null).requiring(Role.OWNER);

    private final CanaryService canaries;

    public CanaryController(CanaryService canaries) {
        this.canaries = canaries;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/api/v1/models/canary", READ, TAG, "Your running (else latest) canary of a model lineage (algorithm, default als): "
                                + "its arms, share, period, state, and the figures so far or those that decided",
                        ctx -> ctx.json(canaries.get(principal(ctx), ctx.queryParam("algorithm")))).query("algorithm")
                        .returns(CanaryService.Canary.class),
                ApiRoute.post("/api/v1/models/canary/approve", OWNER, TAG, "Promote the running canary's candidate now (owner; audited); "
                                + "409 no_canary_running when none runs",
                        ctx -> ctx.json(canaries.approve(principal(ctx), Json.read(ctx.bodyAsBytes(), CanaryService.DecisionRequest.class))))
                        .body("CanaryDecisionRequest").returns(CanaryService.Decided.class),
                ApiRoute.post("/api/v1/models/canary/abort", OWNER, TAG, "Roll the running canary back now: everyone is served the active "
                                + "version again (owner; audited); 409 no_canary_running when none runs",
                        ctx -> ctx.json(canaries.abort(principal(ctx), Json.read(ctx.bodyAsBytes(), CanaryService.DecisionRequest.class))))
                        .body("CanaryDecisionRequest").returns(CanaryService.Decided.class));
    }
}
