package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.WebhookService;
import java.util.List;

/** Pro+ webhooks: register endpoints, list and delete them, see their deliveries, retry a failed one, send a test event. */
public final class WebhooksController {
    private static final Gate ADMIN = Gate.unmetered(Scope.ADMIN, "advanced_analytics");
    // A test makes us send a request on the caller's behalf: counted against its own daily limit (config/plans.yaml).
    private static final Gate TEST = Gate.metered(Scope.ADMIN, "advanced_analytics").withResource(Gate.WEBHOOK_TESTS);
    private static final String TAG = "Webhooks";

    private final WebhookService webhooks;

    public record Webhooks(List<WebhookService.Webhook> webhooks) {}

    public record Deliveries(List<WebhookService.Delivery> deliveries) {}

    /** How many deliveries of the test event were queued. */
    public record TestQueued(int queued) {}

    public WebhooksController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post("/api/v1/webhooks", ADMIN, TAG, "Register an endpoint for events; the response holds its signing secret, shown once",
                        ctx -> ctx.status(201).json(webhooks.create(principal(ctx), Json.read(ctx.bodyAsBytes(), WebhookService.CreateWebhookRequest.class))))
                        .body("CreateWebhookRequest").status(201).returns(WebhookService.CreatedWebhook.class),
                ApiRoute.get("/api/v1/webhooks", ADMIN, TAG, "The org's webhook endpoints, each with its circuit breaker's state",
                        ctx -> ctx.json(new Webhooks(webhooks.list(principal(ctx))))).returns(Webhooks.class),
                ApiRoute.get("/api/v1/webhooks/{webhook_id}", ADMIN, TAG, "One endpoint, with its circuit breaker's state",
                        ctx -> ctx.json(webhooks.get(principal(ctx), ctx.pathParam("webhook_id")))).returns(WebhookService.Webhook.class),
                ApiRoute.delete("/api/v1/webhooks/{webhook_id}", ADMIN, TAG, "Delete an endpoint (its pending deliveries go with it)",
                        ctx -> {
                            webhooks.delete(principal(ctx), ctx.pathParam("webhook_id"));
                            ctx.status(204);
                        }).status(204),
                ApiRoute.get("/api/v1/webhooks/{webhook_id}/deliveries", ADMIN, TAG, "The endpoint's latest deliveries: attempts, answers, status",
                        ctx -> ctx.json(new Deliveries(webhooks.deliveries(principal(ctx), ctx.pathParam("webhook_id"))))).returns(Deliveries.class),
                ApiRoute.post("/api/v1/webhooks/{webhook_id}/test", TEST, TAG, "Queue a webhook.test event to the endpoint (counts against webhook_tests per day)",
                        ctx -> ctx.status(202).json(new TestQueued(webhooks.test(principal(ctx), ctx.pathParam("webhook_id"))))).status(202)
                        .returns(TestQueued.class),
                ApiRoute.post("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", ADMIN, TAG,
                        "Queue a failed delivery once more, due now (its attempts kept: one more attempt); 409 delivery_not_failed otherwise",
                        ctx -> ctx.json(webhooks.retry(principal(ctx), ctx.pathParam("webhook_id"), ctx.pathParam("delivery_id"))))
                        .returns(WebhookService.Delivery.class));
    }
}
