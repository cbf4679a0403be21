package io.tunetrail.api.http;

import io.tunetrail.api.limits.Gate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/docs}: the OpenAPI document as JSON, and {@code /api/docs/ui}, a self-contained page (no CDN: it must
 * work offline and in tests) that loads the JSON and renders every operation with its plans, scope and refusals.
 */
public final class DocsController {
    private DocsController() {}

    public static List<ApiRoute> routes(Supplier<Map<String, Object>> document) {
        byte[] page = resource("tunetrail/api/docs.html");
        return List.of(
                ApiRoute.get("/api/docs", Gate.PUBLIC, "Documentation", "This OpenAPI 3.1 document",
                        ctx -> ctx.contentType("application/json").result(Json.write(document.get())))
                        // The document is free-form JSON to this schema: OpenAPI's own meta-schema describes it.
                        .returns(Map.class),
                ApiRoute.get("/api/docs/ui", Gate.PUBLIC, "Documentation", "The OpenAPI document rendered as a page",
                        ctx -> ctx.contentType("text/html; charset=utf-8").result(page)).returnsMedia("text/html"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DocsController.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath; rebuild tunetrail-serving-api");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
