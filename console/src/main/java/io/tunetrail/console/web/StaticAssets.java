package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's scripts and styles, and uPlot from its WebJar, from the classpath. Only the files named here are
 * served (a path parameter never reaches the class loader), with the console's security headers.
 */
final class StaticAssets {
    static final String PATH = ConsoleHttp.BASE + "/static/";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    private record Asset(String resource, String contentType) {}

    private static final Map<String, Asset> FILES = Map.of(
            "console.css", new Asset("console/static/console.css", "text/css; charset=utf-8"),
            "overview.js", new Asset("console/static/overview.js", "text/javascript; charset=utf-8"),
            "keys.js", new Asset("console/static/keys.js", "text/javascript; charset=utf-8"),
            "usage.js", new Asset("console/static/usage.js", "text/javascript; charset=utf-8"),
            "costs.js", new Asset("console/static/costs.js", "text/javascript; charset=utf-8"),
            "models.js", new Asset("console/static/models.js", "text/javascript; charset=utf-8"),
            "uPlot.iife.min.js", new Asset(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "uPlot.min.css", new Asset(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));

    private final Map<String, byte[]> bytes;

    StaticAssets() {
        // Read once at start: a missing file fails the server's start, not a page view.
        java.util.HashMap<String, byte[]> loaded = new java.util.HashMap<>();
        FILES.forEach((name, asset) -> loaded.put(name, read(asset.resource())));
        bytes = Map.copyOf(loaded);
    }

    void install(Javalin app) {
        app.get(PATH + "{file}", this::serve);
    }

    private void serve(Context ctx) {
        ConsoleHttp.securityHeaders(ctx);
        String name = ctx.pathParam("file");
        Asset asset = FILES.get(name);
        if (asset == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no such console file");
            return;
        }
        // Versioned with the build, so a day's caching is safe; pages themselves are never cached.
        ctx.header("Cache-Control", "private, max-age=86400");
        ctx.contentType(asset.contentType()).result(bytes.get(name));
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + resource + " is missing from the classpath; rebuild the console module");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
