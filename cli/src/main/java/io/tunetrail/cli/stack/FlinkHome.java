package io.tunetrail.cli.stack;

import io.tunetrail.model.OfflineStoreS3aConf;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folder the local cluster's Flink session runs from: {@code lib/} (Flink's jars from the streaming-jobs build, plus
 * slf4j-simple so the JVMs log) and {@code conf/config.yaml}, which the JobManager, the TaskManagers and Flink's CLI
 * frontend all read.
 *
 * <p>Flink's shell scripts compute a TaskManager's memory with {@code BashJavaUtils} and pass the result as JVM flags and
 * {@code -D} settings; started from Java, the cluster states every component here instead ({@link #TASK_MANAGER_JVM}
 * must agree with the sizes in {@link #configYaml}): about 700 MB per TaskManager process.
 */
public record FlinkHome(Path path) {
    /** Slots per TaskManager: two TaskManagers hold a parallelism-2 job twice over, so one may die. */
    static final int SLOTS = 2;
    /** Heap = framework heap (64m) + task heap (224m); direct = framework off-heap (64m) + network (64m). */
    static final List<String> TASK_MANAGER_JVM = List.of("-Xms288m", "-Xmx288m", "-XX:MaxDirectMemorySize=128m",
            "-XX:MaxMetaspaceSize=160m");
    static final List<String> JOB_MANAGER_JVM = List.of("-Xms128m", "-Xmx384m", "-XX:MaxMetaspaceSize=192m");
    /** What flink-dist's config.yaml sets as env.java.opts.all for Java 17 (Kryo and the RPC system need them). */
    static final List<String> JAVA_17_FLAGS = List.of("--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED", "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static FlinkHome under(Path clusterHome) {
        return new FlinkHome(clusterHome.resolve("flink"));
    }

    Path lib() {
        return path.resolve("lib");
    }

    /** The configuration folder: FLINK_CONF_DIR of the CLI frontend, {@code --configDir} of the cluster's JVMs. */
    public Path conf() {
        return path.resolve("conf");
    }

    /** The classpath of Flink's JVMs and of the CLI frontend. */
    public String classpath() {
        return lib() + "/*";
    }

    /** Lays out {@code lib/} from {@code <root>/streaming-jobs/target/provided-lib} (and flink-home-extras) and writes the configuration. */
    void layOut(Path root, String cliClasspath, PlatformConfig config) throws IOException {
        List<Path> extra = new java.util.ArrayList<>(List.of(EngineJars.fromOwnClasspath(cliClasspath, "slf4j-simple-")));
        // Jackson for the AWS SDK of s3a:// checkpoints: the job jar has it shaded in, out of lib/'s reach.
        Path extras = root.resolve("streaming-jobs/target/flink-home-extras");
        if (Files.isDirectory(extras)) {
            try (java.util.stream.Stream<Path> jars = Files.list(extras)) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(extra::add);
            }
        }
        EngineJars.layOut(root.resolve("streaming-jobs/target/provided-lib"), extra, lib(), "streaming-jobs");
        Files.createDirectories(conf());
        Files.createDirectories(path.resolve("tmp"));
        Path yaml = conf().resolve("config.yaml");
        if (s3aCheckpointDir(config).isPresent()) {
            // It holds the checkpoint bucket's secret key (Flink prints such values as ****** when it loads them): owner
            // only, before the key is written, so no other user can open it in between.
            Files.deleteIfExists(yaml);
            Files.createFile(yaml, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(yaml, configYaml(config));
    }

    /** {@code stream.checkpoint-dir} when it is an {@code s3a://} URI, without a trailing slash. */
    static Optional<String> s3aCheckpointDir(PlatformConfig config) {
        String dir = config.get(PlatformConfig.STREAM_CHECKPOINT_DIR).strip();
        if (!dir.regionMatches(true, 0, "s3a://", 0, 6)) {
            return Optional.empty();
        }
        return Optional.of(dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir);
    }

    /** The REST address of the JobManager. */
    static String restUrl(PlatformConfig config) {
        return "http://127.0.0.1:" + config.getInt(PlatformConfig.CLUSTER_FLINK_REST_PORT);
    }

    String configYaml(PlatformConfig config) {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", String.valueOf(config.getInt(PlatformConfig.CLUSTER_FLINK_RPC_PORT)));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(config.getInt(PlatformConfig.CLUSTER_FLINK_REST_PORT)));
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(SLOTS));
        c.put("parallelism.default", "2");
        c.put("jobmanager.memory.process.size", "640m");
        // Every component of a TaskManager's memory, as BashJavaUtils would have derived it (sum 704m).
        c.put("taskmanager.memory.framework.heap.size", "64m");
        c.put("taskmanager.memory.task.heap.size", "224m");
        c.put("taskmanager.memory.managed.size", "32m");
        c.put("taskmanager.memory.framework.off-heap.size", "64m");
        c.put("taskmanager.memory.task.off-heap.size", "0m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        c.put("taskmanager.memory.jvm-metaspace.size", "160m");
        c.put("taskmanager.memory.jvm-overhead.min", "96m");
        c.put("taskmanager.memory.jvm-overhead.max", "96m");
        c.put("taskmanager.cpu.cores", String.valueOf(SLOTS));
        // A TaskManager that dies is noticed in seconds, not the default 50 s, and the job restarts on the other one.
        c.put("heartbeat.interval", "2000");
        c.put("heartbeat.timeout", "10000");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "1000");
        c.put("restart-strategy.fixed-delay.delay", "2 s");
        c.put("io.tmp.dirs", path.resolve("tmp").toString());
        c.put("web.tmpdir", path.resolve("tmp").toString());
        c.put("state.savepoints.dir", "file://" + path.resolve("savepoints"));
        c.put("classloader.check-leaked-classloader", "false");
        Optional<String> s3a = s3aCheckpointDir(config);
        if (s3a.isPresent()) {
            // Checkpoints in a bucket: Flink's S3 plugins are not available here, so the JobManager and the TaskManagers
            // reach s3a:// through Flink's fallback to Hadoop's S3A (its jars are in lib/, from streaming-jobs'
            // provided-lib), with the offline store's S3 settings scoped to the checkpoint bucket (streaming-jobs'
            // CheckpointStorage sets the same in the submitting JVM).
            c.put("fs.allowed-fallback-filesystems", "s3a");
            OfflineStoreS3aConf.forBucketOf(config, s3a.get(), PlatformConfig.STREAM_CHECKPOINT_DIR)
                    .forEach((k, v) -> c.put("flink.hadoop." + k, v));
        }
        StringBuilder sb = new StringBuilder("# Written by ./tunetrail cluster start; rewritten at every start.\n");
        c.forEach((k, v) -> sb.append(k).append(": ").append(k.startsWith("flink.hadoop.") ? quoted(v)
                : v.contains(" ") || v.contains(":") ? "\"" + v + "\"" : v).append('\n'));
        return sb.toString();
    }

    /** A YAML double-quoted string: a secret key may hold any character. */
    private static String quoted(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
