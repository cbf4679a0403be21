package io.tunetrail.api;

import io.javalin.Javalin;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API as a running server on the configured stack: stores opened from the configuration, the system UTC clock,
 * the shipped plan catalog. {@link #close()} stops the server (flushing key last-use times) and closes the stores.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ApiStores stores;
    private final Javalin app;

    private ApiServer(ApiStores stores, Javalin app) {
        this.stores = stores;
        this.app = app;
    }

    /** Starts on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public static ApiServer start(PlatformConfig config, String host, int port) {
        ApiStores stores = ApiStores.open(config);
        try {
            // The API owns migrations V40+ (webhooks, experiments, flags): bring the schema up to date before serving,
            // so an API newer than the running stack's last 'stack start' does not meet missing tables.
            // On a pool of its own: the API's connections carry a statement_timeout that a migration may well exceed.
            try (com.zaxxer.hikari.HikariDataSource migrations = Database.connect(config, 2)) {
                Database.migrate(migrations, config);
            }
            ApiSettings settings = ApiSettings.from(config, PlanCatalog.load());
            settings.webhooks().requireOwnKeyUnlessLoopback(host);
            Javalin app = ServingApp.create(stores, Clock.systemUTC(), settings, new io.tunetrail.api.ops.ApiMetrics(),
                    ServingExtension.discovered(config));
            app.start(host, port);
            LOG.info("TuneTrail API listening on http://{}:{} (docs at /api/docs/ui)", host, app.port());
            return new ApiServer(stores, app);
        } catch (RuntimeException e) {
            try {
                stores.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public static ApiServer start(PlatformConfig config) {
        return start(config, config.get(PlatformConfig.API_HOST), config.getInt(PlatformConfig.API_PORT));
    }

    public int port() {
        return app.port();
    }

    public Javalin app() {
        return app;
    }

    /** The backing services it runs on (their counters: pool connections, usage events held and dropped). */
    public ApiStores stores() {
        return stores;
    }

    @Override
    public void close() throws Exception {
        app.stop();
        stores.close();
    }
}
