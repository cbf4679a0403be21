package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * A loopback port the local stack listens on, with the configuration key that chose it, so every message about a
 * taken port can say which key (and environment variable) moves it.
 */
record Endpoint(String host, int port, PlatformConfig.Key key) {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** The first {@code host:port} of {@code kafka.bootstrap.servers}. */
    static Endpoint kafkaBroker(PlatformConfig config) {
        String first = config.kafkaBootstrap().split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon < 1) {
            throw CliError.usage(PlatformConfig.KAFKA_BOOTSTRAP.describe() + " = '" + config.kafkaBootstrap()
                    + "' has no port", "Set it to 127.0.0.1:<port> for the local stack");
        }
        int port;
        try {
            port = Integer.parseInt(first.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CliError.usage(PlatformConfig.KAFKA_BOOTSTRAP.describe() + " = '" + first + "' has no numeric port",
                    "Set it to 127.0.0.1:<port> for the local stack");
        }
        return loopback(first.substring(0, colon), PlatformConfig.KAFKA_BOOTSTRAP, port, PlatformConfig.KAFKA_BOOTSTRAP);
    }

    static Endpoint kafkaController(PlatformConfig config) {
        return loopback("127.0.0.1", PlatformConfig.KAFKA_CONTROLLER_PORT, config.getInt(PlatformConfig.KAFKA_CONTROLLER_PORT),
                PlatformConfig.KAFKA_CONTROLLER_PORT);
    }

    static Endpoint postgres(PlatformConfig config) {
        return loopback(config.get(PlatformConfig.POSTGRES_HOST), PlatformConfig.POSTGRES_HOST,
                config.getInt(PlatformConfig.POSTGRES_PORT), PlatformConfig.POSTGRES_PORT);
    }

    static Endpoint redis(PlatformConfig config) {
        return loopback(config.get(PlatformConfig.REDIS_HOST), PlatformConfig.REDIS_HOST, config.getInt(PlatformConfig.REDIS_PORT),
                PlatformConfig.REDIS_PORT);
    }

    /** The serving API's port; the demo binds it on loopback whatever api.host says. */
    /** The SQL endpoint's port, on whatever address sql.host names (analysts may connect from elsewhere). */
    static Endpoint sql(PlatformConfig config) {
        return new Endpoint(config.get(PlatformConfig.SQL_HOST), config.getInt(PlatformConfig.SQL_PORT), PlatformConfig.SQL_PORT);
    }

    static Endpoint api(PlatformConfig config) {
        return loopback("127.0.0.1", PlatformConfig.API_HOST, config.getInt(PlatformConfig.API_PORT), PlatformConfig.API_PORT);
    }

    private static Endpoint loopback(String host, PlatformConfig.Key hostKey, int port, PlatformConfig.Key key) {
        if (!LOOPBACK.contains(host)) {
            // The stack binds 127.0.0.1 only; health checks against a remote host would test somebody else's server.
            throw CliError.usage("the local stack runs on loopback only, but " + hostKey.describe() + " points at " + host,
                    "Use 127.0.0.1 (or unset it) for the local stack; a remote cluster needs no 'stack start'");
        }
        if (port < 1 || port > 65535) {
            throw CliError.usage(key.describe() + " = " + port + " is not a TCP port", "Choose a port in 1..65535");
        }
        return new Endpoint(host, port, key);
    }

    /** True when nothing listens on this port on loopback (we could bind it). */
    boolean isFree() {
        try (ServerSocket s = new ServerSocket()) {
            // Same option the servers use, so a port left in TIME_WAIT by our own last run counts as free.
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The error for a port that something other than our service holds. */
    CliError takenError(String service) {
        return CliError.environment("cannot start " + service,
                "port " + port + " on 127.0.0.1 is taken by another process (not the local stack's " + service + ")",
                "Stop that process, or move the stack's " + service + " to another port: set " + key.envVar()
                        + ", or " + key.name() + " in <home>/tunetrail.properties");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
