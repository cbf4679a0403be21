package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.service.WebhookService;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The webhooks page: the org's endpoints with their circuit breakers and each one's latest deliveries (status,
 * attempts, the receiver's last answer), read through the API's {@link WebhookService} with the gates of
 * {@code GET /api/v1/webhooks} and its deliveries route. A failed delivery has a Retry button: the API's
 * {@link WebhookService#retry} behind the gate of its retry route, so the console does nothing the API cannot.
 */
final class WebhooksController {
    static final String PATH = ConsoleHttp.BASE + "/webhooks";
    /** Deliveries shown per endpoint, newest first. */
    private static final int DELIVERIES = 20;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final WebhookService webhooks;
    private final ConsoleHttp http;

    WebhooksController(WebhookService webhooks, ConsoleHttp http) {
        this.webhooks = webhooks;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, ConsoleRoutes.WebhookGates gates) {
        app.get(PATH, guard.page(gates.list(), "The webhooks page", (ctx, m) -> page(ctx, m, guard.action(gates.deliveries(), m, "Deliveries"),
                gates.retry().refusal(m.principal()) == null)));
        app.post(PATH + "/{webhook_id}/deliveries/{delivery_id}/retry", guard.page(gates.retry(), "Retrying webhook deliveries", (ctx, m) -> {
            webhooks.retry(m.principal(), ctx.pathParam("webhook_id"), ctx.pathParam("delivery_id"));
            ConsoleHttp.redirect(ctx, PATH);
        }));
    }

    private void page(Context ctx, Member m, Views.Action deliveries, boolean retries) {
        List<Views.WebhookView> endpoints = webhooks.list(m.principal()).stream().map(w -> new Views.WebhookView(w.webhookId(), w.url(),
                String.join(", ", w.events()), when(w.createdAt()), circuit(w.circuit()), deliveries.allowed()
                        ? webhooks.deliveries(m.principal(), w.webhookId()).stream().limit(DELIVERIES).map(WebhooksController::row).toList()
                        : List.of())).toList();
        http.render(ctx, 200, "webhooks.jte", new Views.Webhooks(m.frame("Webhooks", "webhooks"), endpoints, deliveries,
                retries ? m.session().csrfToken() : null));
    }

    private static Views.DeliveryRow row(WebhookService.Delivery d) {
        String answer = d.lastStatusCode() != null ? "HTTP " + d.lastStatusCode() : Objects.requireNonNullElse(d.lastError(), "");
        if (d.lastStatusCode() != null && d.lastError() != null) {
            answer += " (" + d.lastError() + ")";
        }
        String next = "pending".equals(d.status()) ? when(d.nextAttemptAt()) : "";
        return new Views.DeliveryRow(d.deliveryId(), d.eventType(), d.status(), d.attempts(), answer, when(d.createdAt()),
                "delivered".equals(d.status()) ? when(d.deliveredAt()) : next);
    }

    private static String circuit(WebhookService.Circuit c) {
        return switch (c.state()) {
            case "open" -> "open after " + c.consecutiveFailures() + " failures in a row: no deliveries until " + when(c.retryAt());
            case "half_open" -> "half open: the next delivery is a trial";
            default -> c.consecutiveFailures() == 0 ? "closed" : "closed (" + c.consecutiveFailures() + " failures in a row)";
        };
    }

    private static String when(Instant t) {
        return t == null ? "" : WHEN.format(t);
    }
}
