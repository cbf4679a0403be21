package io.tunetrail.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Spark standalone master or one of its workers, started from the jars of {@link SparkHome} with the Java 17
 * flags Spark needs ({@code --add-opens}, STACK.md gotcha 3). A worker runs its executors with the same SPARK_HOME,
 * so they find Spark's jars there (the {@code RELEASE} file says it is a distribution).
 */
final class SparkNodeService extends ClusterJvmService {
    static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
    static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";

    private final SparkHome sparkHome;
    /** 0 for the master, 1.. for the workers. */
    private final int worker;

    SparkNodeService(StackLayout layout, Consumer<String> progress, SparkHome sparkHome, int worker) {
        super(layout, progress, sparkHome.classpath(), worker == 0 ? "spark-master" : "spark-worker-" + worker);
        this.sparkHome = sparkHome;
        this.worker = worker;
    }

    @Override
    String mainClass() {
        return worker == 0 ? MASTER_CLASS : WORKER_CLASS;
    }

    static int masterPort(PlatformConfig config) {
        return config.getInt(PlatformConfig.CLUSTER_SPARK_MASTER_PORT);
    }

    static String masterUrl(PlatformConfig config) {
        return "spark://127.0.0.1:" + masterPort(config);
    }

    static String statusUrl(PlatformConfig config) {
        return "http://127.0.0.1:" + config.getInt(PlatformConfig.CLUSTER_SPARK_UI_PORT) + "/json/";
    }

    @Override
    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", masterPort(layout.config()) + worker, PlatformConfig.CLUSTER_SPARK_MASTER_PORT);
    }

    @Override
    List<Endpoint> endpoints() {
        if (worker > 0) {
            return List.of(endpoint());
        }
        return List.of(endpoint(), new Endpoint("127.0.0.1", layout.config().getInt(PlatformConfig.CLUSTER_SPARK_UI_PORT),
                PlatformConfig.CLUSTER_SPARK_UI_PORT));
    }

    @Override
    void start(Duration timeout) throws Exception {
        PlatformConfig config = layout.config();
        List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(JobLauncher.sparkJvmFlags());
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(endpoint().port())));
        if (worker == 0) {
            args.addAll(List.of("--webui-port", String.valueOf(config.getInt(PlatformConfig.CLUSTER_SPARK_UI_PORT))));
        } else {
            // One core each, so a job spreads over both workers and losing one leaves the other to finish it.
            args.addAll(List.of("--webui-port", "0", "--cores", "1", "--memory", config.get(PlatformConfig.CLUSTER_SPARK_WORKER_MEMORY),
                    "--work-dir", directory().resolve("work").toString(), masterUrl(config)));
        }
        launchNode(jvm, args, sparkHome.environment(), timeout);
    }

    /** The master answers its JSON status as ALIVE; a worker, when the master lists it (by its port) as ALIVE. */
    @Override
    boolean answers() {
        Optional<JsonNode> status = ClusterHttp.get(statusUrl(layout.config()));
        if (status.isEmpty() || !"ALIVE".equals(status.get().path("status").asText())) {
            return false;
        }
        if (worker == 0) {
            return true;
        }
        for (JsonNode w : status.get().path("workers")) {
            if (w.path("port").asInt() == endpoint().port() && "ALIVE".equals(w.path("state").asText())) {
                return true;
            }
        }
        return false;
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(15);
    }
}
