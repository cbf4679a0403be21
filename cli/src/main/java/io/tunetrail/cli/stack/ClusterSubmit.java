package io.tunetrail.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command lines that hand a job jar to the local cluster, as {@code spark-submit} and {@code flink run} would: Spark's
 * {@code SparkSubmit} in client mode against the standalone master (the driver is the submitting JVM, the executors run
 * on the workers), Flink's {@code CliFrontend} against the session cluster's REST endpoint. Both run from the cluster's
 * own jars ({@link SparkHome}, {@link FlinkHome}), so the client speaks exactly the cluster's version.
 *
 * <p>On loopback the workers share the disk with the driver, so the offline store's local path and the checkpoints'
 * {@code file://} folder are the same files for every process; a real cluster needs a shared store instead.
 */
public final class ClusterSubmit {
    /** The driver's heap: the jobs collect little to it (model metadata, evaluation figures), but ALS's factors pass by. */
    private static final String DRIVER_HEAP = "-Xmx1g";
    /** An executor's heap; the worker offers {@code cluster.spark.worker-memory} (768m by default) and this must fit. */
    static final String EXECUTOR_MEMORY = "512m";

    private final PlatformConfig config;
    private final LocalCluster cluster;

    public ClusterSubmit(PlatformConfig config, Path root) {
        this.config = config;
        this.cluster = new LocalCluster(config, root, line -> {});
    }

    /** A command line and the environment it runs with. */
    public record Submission(List<String> command, Map<String, String> env) {}

    /** Fails with one line unless the Spark master answers ALIVE and lists at least one live worker. */
    public void requireSpark() {
        Optional<JsonNode> status = ClusterHttp.get(cluster.sparkStatusUrl());
        if (status.isEmpty() || !"ALIVE".equals(status.get().path("status").asText())) {
            throw notRunning("Spark", "no Spark master answers at " + cluster.sparkStatusUrl(), "--spark");
        }
        if (status.get().path("aliveworkers").asInt() < 1) {
            throw notRunning("Spark", "the master at " + cluster.sparkMasterUrl() + " has no live worker", "--spark");
        }
    }

    /** Fails with one line unless the Flink JobManager answers and has a TaskManager with slots. */
    public void requireFlink() {
        Optional<JsonNode> overview = ClusterHttp.get(cluster.flinkRestUrl() + "/overview");
        if (overview.isEmpty()) {
            throw notRunning("Flink", "no Flink JobManager answers at " + cluster.flinkRestUrl(), "--flink");
        }
        if (overview.get().path("slots-total").asInt() < 1) {
            throw notRunning("Flink", "the JobManager at " + cluster.flinkRestUrl() + " has no TaskManager", "--flink");
        }
    }

    private static CliError notRunning(String engine, String why, String flag) {
        return CliError.environment("the local " + engine + " cluster is not running", why,
                "Start it: ./tunetrail cluster start " + flag);
    }

    /**
     * {@code spark-submit --master spark://... --deploy-mode client --class mainClass jar args}: the executors get the
     * Java 17 flags Spark needs (the driver, this command's JVM, gets them as {@code jvmFlags}) and half a worker's
     * memory each.
     */
    public Submission spark(Path jar, String mainClass, String appName, List<String> jvmFlags, List<String> args) {
        SparkHome home = cluster.sparkHome();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add(DRIVER_HEAP);
        command.addAll(jvmFlags);
        // The job's own quiet log configuration, read from its jar: SparkSubmit starts logging before the jar is loaded.
        command.add("-Dlog4j2.configurationFile=jar:" + jar.toUri() + "!/tunetrail/batch-log4j2.properties");
        command.addAll(List.of("-cp", home.classpath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", cluster.sparkMasterUrl(), "--deploy-mode", "client", "--class", mainClass, "--name", appName,
                "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", jvmFlags),
                "--conf", "spark.executor.memory=" + EXECUTOR_MEMORY,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                // Two single-core workers: four shuffle partitions keep every task small, as local mode does.
                "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.databricks.delta.snapshotPartitions=2",
                jar.toString()));
        command.addAll(args);
        Map<String, String> env = new HashMap<>(config.asEnv());
        env.putAll(home.environment());
        return new Submission(command, env);
    }

    /**
     * {@code flink run [-d] -c mainClass jar args} against the session cluster. The job's main runs in this command's
     * JVM and submits its graph; attached, the command ends with the job and prints what the job prints; detached, it
     * ends once the job is accepted. Checkpoints go under {@link #flinkCheckpointDir()}.
     */
    public Submission flink(Path jar, String mainClass, boolean detached, List<String> args) {
        FlinkHome home = cluster.flinkHome();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx512m");
        command.addAll(FlinkHome.JAVA_17_FLAGS);
        command.addAll(List.of("-cp", home.classpath(), "org.apache.flink.client.cli.CliFrontend", "run"));
        if (detached) {
            command.add("-d");
        }
        command.addAll(List.of("-c", mainClass, jar.toString()));
        command.addAll(args);
        Map<String, String> env = new HashMap<>(config.asEnv());
        env.put(PlatformConfig.STREAM_CHECKPOINT_DIR.envVar(), flinkCheckpointDir());
        env.put("FLINK_CONF_DIR", home.conf().toString());
        return new Submission(command, env);
    }

    /** {@code <home>/cluster/flink/checkpoints}: the session cluster's jobs' checkpoints unless they go to a bucket. */
    public Path flinkCheckpoints() {
        return cluster.flinkHome().path().resolve("checkpoints");
    }

    /**
     * Where the session cluster's jobs checkpoint, as a URI without a trailing slash: {@code stream.checkpoint-dir} when
     * it is an {@code s3a://} bucket (the cluster's config.yaml then holds its S3A keys, see {@link FlinkHome}), else
     * {@link #flinkCheckpoints()}, a folder every TaskManager on this machine shares (a folder of the local
     * configuration could be relative to another process's directory).
     */
    public String flinkCheckpointDir() {
        return FlinkHome.s3aCheckpointDir(config).orElseGet(() -> flinkCheckpoints().toUri().toString().replaceAll("/$", ""));
    }

    /** The Flink REST address (jobs, cancellation, savepoints). */
    public String flinkRestUrl() {
        return cluster.flinkRestUrl();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
