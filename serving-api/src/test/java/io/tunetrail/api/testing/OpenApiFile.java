package io.tunetrail.api.testing;

import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.JedisPooled;

/**
 * Writes the API's OpenAPI document to a file at build time, for the generated-client test (api-client-it) to
 * generate its client from. The app is built over a fresh database of the local stack (building it reads the
 * webhook secrets) and Redis and Kafka clients that are never called: no request is served.
 */
public final class OpenApiFile {
    private OpenApiFile() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: OpenApiFile OUTPUT.json");
        }
        PlatformConfig config = PlatformConfig.load(java.util.Map.of(), java.util.Map.of());
        PlanCatalog plans = PlanCatalog.load();
        FreshDatabase db = new FreshDatabase();
        ExtensionContext context = (ExtensionContext) Proxy.newProxyInstance(OpenApiFile.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, a) -> switch (method.getName()) {
                    case "getRequiredTestClass" -> OpenApiFile.class;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        db.beforeAll(context);
        JedisPooled redis = new JedisPooled("127.0.0.1", 1);
        EventPublisher events = new EventPublisher(config);
        try (ApiStores stores = new ApiStores(db.dataSource(), redis, "127.0.0.1:1", events, () -> {
            events.close();
            redis.close();
            db.afterAll(context);
        })) {
            Javalin app = ServingApp.create(stores, Clock.systemUTC(), ApiSettings.from(config, plans));
            // Started and stopped, on loopback, only so that stopping ends its background work (this runs inside Maven's JVM).
            app.start("127.0.0.1", 0);
            try {
                Path out = Path.of(args[0]);
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.write(out, Json.write(ServingApp.openApiDocument(app)));
            } finally {
                app.stop();
            }
        }
    }
}
