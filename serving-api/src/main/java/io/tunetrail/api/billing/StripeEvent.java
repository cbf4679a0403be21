package io.tunetrail.api.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The parts of a verified Stripe event the handler reads, taken from the JSON itself (not stripe-java's typed model,
 * which deserialises to an empty object when the event's api_version differs from the library's: STACK.md gotcha 9).
 *
 * @param created Stripe's creation time of the event (whole seconds): the order events are applied in
 * @param payload the event as Stripe sent it, kept when the event is parked
 */
record StripeEvent(String id, String type, Instant created, JsonNode object, String payload) {

    static StripeEvent parse(String payload) {
        JsonNode root = Json.tree(payload.getBytes(StandardCharsets.UTF_8));
        JsonNode created = root.path("created");
        return new StripeEvent(root.path("id").asText(), root.path("type").asText(),
                created.canConvertToLong() ? Instant.ofEpochSecond(created.asLong()) : Instant.EPOCH, root.path("data").path("object"), payload);
    }

    String text(String field) {
        return text(object, field);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isTextual() ? null : v.asText();
    }
}
