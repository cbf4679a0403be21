package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Configurations for stack tests: a home of their own and free ports away from the shared defaults. */
public final class StackTestSupport {
    /** Ports others use on our machines (the defaults, and a developer stack): never handed out. */
    private static final Set<Integer> RESERVED = Set.of(15432, 16379, 19092, 19093, 25432, 26379);

    private StackTestSupport() {}

    /** A configuration whose home is {@code home} and whose four stack ports are free right now. */
    public static PlatformConfig config(Path home) throws IOException {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < 4) {
            int p = freePort();
            if (!RESERVED.contains(p)) {
                ports.add(p);
            }
        }
        Integer[] p = ports.toArray(new Integer[0]);
        Map<String, String> overrides = new HashMap<>();
        overrides.put(PlatformConfig.HOME.name(), home.toString());
        overrides.put(PlatformConfig.KAFKA_BOOTSTRAP.name(), "127.0.0.1:" + p[0]);
        overrides.put(PlatformConfig.KAFKA_CONTROLLER_PORT.name(), String.valueOf(p[1]));
        overrides.put(PlatformConfig.POSTGRES_PORT.name(), String.valueOf(p[2]));
        overrides.put(PlatformConfig.REDIS_PORT.name(), String.valueOf(p[3]));
        // An empty environment: TUNETRAIL_* variables of the shell running the tests must not leak in.
        return PlatformConfig.load(Map.of(), overrides);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }
}
