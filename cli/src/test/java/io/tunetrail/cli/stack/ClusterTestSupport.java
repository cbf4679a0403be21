package io.tunetrail.cli.stack;

import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Configurations for local-cluster tests: a home of their own and free ports, away from the defaults others use. */
final class ClusterTestSupport {
    private ClusterTestSupport() {}

    /** A configuration whose home is {@code home}, with every cluster.* port (and the runs after them) free right now. */
    static PlatformConfig config(Path home) throws IOException {
        return PlatformConfig.load(Map.of(), overrides(home));
    }

    /** The overrides of {@link #config}: a home and free cluster ports, to lay over another configuration. */
    static Map<String, String> overrides(Path home) throws IOException {
        Map<String, String> overrides = new HashMap<>(Map.of(PlatformConfig.HOME.name(), home.toString()));
        overrides.put(PlatformConfig.CLUSTER_SPARK_MASTER_PORT.name(), String.valueOf(freeRun(3)));
        overrides.put(PlatformConfig.CLUSTER_SPARK_UI_PORT.name(), String.valueOf(StackTestSupport.freePort()));
        overrides.put(PlatformConfig.CLUSTER_FLINK_REST_PORT.name(), String.valueOf(StackTestSupport.freePort()));
        overrides.put(PlatformConfig.CLUSTER_FLINK_RPC_PORT.name(), String.valueOf(StackTestSupport.freePort()));
        overrides.put(PlatformConfig.CLUSTER_KAFKA_BASE_PORT.name(), String.valueOf(freeRun(6)));
        return overrides;
    }

    /** The first of {@code n} consecutive ports that are all free, in a range no default uses. */
    private static int freeRun(int n) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(30_000, 60_000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                free = new Endpoint("127.0.0.1", p, PlatformConfig.CLUSTER_KAFKA_BASE_PORT).isFree();
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports found");
    }

    /** {@code target/cluster-its}: where cluster tests keep their homes (clusters, lakes, checkpoints), off /tmp. */
    static Path scratch() throws IOException {
        return Files.createDirectories(Path.of("target", "cluster-its").toAbsolutePath());
    }

    /** The repository root: the cli module's parent, where batch-training and streaming-jobs were built. */
    static Path repositoryRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }
}
