package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** {@code ./tunetrail sql serve | stop | status}: the SQL endpoint's JVM, found and stopped like the stack's servers. */
public final class SqlEndpointProcess {
    /** Spark, Delta and the first Hive session's metastore take a while on two busy cores. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final SqlEndpointService service;
    private final Path root;

    public SqlEndpointProcess(PlatformConfig config, Path root, Consumer<String> progress) {
        this.service = new SqlEndpointService(StackLayout.of(config), progress, root);
        this.root = root;
    }

    /** Starts the endpoint unless it runs; returns false when it was running already. */
    public boolean start() throws Exception {
        if (service.running().isPresent()) {
            return false;
        }
        SqlEndpointService.requireBuilt(root);
        if (!service.endpoint().isFree()) {
            throw io.tunetrail.cli.CliError.environment("cannot start the SQL endpoint", "port " + service.endpoint() + " is taken by another process",
                    "Stop it, or move the endpoint with " + PlatformConfig.SQL_PORT.name() + " (TUNETRAIL_SQL_PORT)");
        }
        service.start(START_TIMEOUT);
        return true;
    }

    public boolean stop() throws Exception {
        return service.stop();
    }

    public ServiceStatus status() {
        return service.status();
    }

    /** The classpath of the endpoint's JVM, which also runs the {@code sql -e} client. */
    public static String classpath(Path root) {
        SqlEndpointService.requireBuilt(root);
        return SqlEndpointService.classpath(root);
    }
}
