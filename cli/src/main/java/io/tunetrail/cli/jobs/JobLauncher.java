package io.tunetrail.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.ClusterSubmit;
import io.tunetrail.cli.stack.Exec;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Runs a job jar in a JVM of its own, the same jar a cluster runs with {@code spark-submit} or {@code flink run}:
 * locally its engine's jars (Maven's "provided" scope, copied to {@code target/provided-lib}) join the classpath.
 * Spark and Flink never share a JVM with each other or with the CLI. {@link #onCluster} submits the same jar with the
 * same arguments to the local cluster instead ({@code train --cluster}, {@code stream --cluster}).
 */
public final class JobLauncher {

    /** A job jar and how to start it. */
    public enum Engine {
        SPARK("batch-training", "tunetrail-batch-training.jar", "io.tunetrail.batch.BatchJobsMain"),
        FLINK("streaming-jobs", "tunetrail-streaming-jobs.jar", "io.tunetrail.streaming.StreamingJobsMain");

        final String module;
        final String jar;
        final String mainClass;

        Engine(String module, String jar, String mainClass) {
            this.module = module;
            this.jar = jar;
            this.mainClass = mainClass;
        }
    }

    /** How a job ended, and the JSON object it printed last (its figures), when it printed one. */
    public record JobRun(int exitCode, JsonNode result, List<String> tail) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Long production runs belong to a real cluster's scheduler, so a generous bound is enough here. */
    private static final Duration RUN_LIMIT = Duration.ofHours(12);

    private final PlatformConfig config;
    private final Path root;
    /** Null: a JVM of its own (local mode). */
    private final ClusterSubmit cluster;

    /** @param root the repository, whose modules' {@code target/} hold the jars */
    public JobLauncher(PlatformConfig config, Path root) {
        this(config, root, null);
    }

    private JobLauncher(PlatformConfig config, Path root, ClusterSubmit cluster) {
        this.config = config;
        this.root = root;
        this.cluster = cluster;
    }

    /** A launcher that submits to the local cluster ({@code ./tunetrail cluster start}); its runs fail with one line when it is down. */
    public static JobLauncher onCluster(PlatformConfig config, Path root) {
        return new JobLauncher(config, root, new ClusterSubmit(config, root));
    }

    /** {@link #onCluster} when {@code cluster} is set, else a local launcher. */
    public static JobLauncher of(PlatformConfig config, Path root, boolean cluster) {
        return cluster ? onCluster(config, root) : new JobLauncher(config, root);
    }

    /** Runs {@code engine}'s jar with {@code args}; every output line goes to {@code output} as it comes. */
    public JobRun run(Engine engine, List<String> args, Consumer<String> output) {
        return run(engine, List.of(), args, output);
    }

    /** {@link #run(Engine, List, Consumer)} with extra JVM flags (system properties of the fault suite's hooks). */
    public JobRun run(Engine engine, List<String> jvmFlags, List<String> args, Consumer<String> output) {
        Path target = root.resolve(engine.module).resolve("target");
        Path jar = target.resolve(engine.jar);
        Path lib = target.resolve("provided-lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw CliError.environment("the " + engine.module + " job jar is not built", jar + " or " + lib + " is missing",
                    "Run ./tunetrail setup, which builds every module");
        }
        if (cluster != null) {
            return submit(engine, jar, jvmFlags, args, false, output);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        if (engine == Engine.SPARK) {
            command.addAll(sparkJvmFlags());
        } else {
            // Flink serialises generic state (the session accumulators' maps) with Kryo, which needs this on Java 17
            // (STACK.md gotcha 8); a cluster's Flink distribution sets the same in env.java.opts.all.
            command.add("--add-opens=java.base/java.util=ALL-UNNAMED");
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", jar + ":" + lib + "/*", engine.mainClass));
        command.addAll(args);
        return exec(command, config.asEnv(), output);
    }

    /**
     * Submits the Flink jar to the cluster and returns once the cluster has accepted the job (a continuous
     * {@code stream --cluster}): the job then runs there until cancelled.
     */
    public JobRun submitDetached(Engine engine, List<String> args, Consumer<String> output) {
        if (cluster == null || engine != Engine.FLINK) {
            throw new IllegalStateException("only a Flink job on the cluster runs detached");
        }
        Path jar = root.resolve(engine.module).resolve("target").resolve(engine.jar);
        if (!Files.isRegularFile(jar)) {
            throw CliError.environment("the " + engine.module + " job jar is not built", jar + " is missing",
                    "Run ./tunetrail setup, which builds every module");
        }
        return submit(engine, jar, List.of(), args, true, output);
    }

    private JobRun submit(Engine engine, Path jar, List<String> jvmFlags, List<String> args, boolean detached, Consumer<String> output) {
        ClusterSubmit.Submission s;
        if (engine == Engine.SPARK) {
            cluster.requireSpark();
            List<String> flags = new ArrayList<>(sparkJvmFlags());
            flags.addAll(jvmFlags);
            s = cluster.spark(jar, engine.mainClass, ("tunetrail " + String.join(" ", args)).replaceAll("[^A-Za-z0-9]+", "-"), flags, args);
        } else {
            cluster.requireFlink();
            s = cluster.flink(jar, engine.mainClass, detached, args);
        }
        return exec(s.command(), s.env(), output);
    }

    private JobRun exec(List<String> command, Map<String, String> env, Consumer<String> output) {
        return exec(command, root, env, RUN_LIMIT, output);
    }

    /** Runs a job's command; its result is the last JSON object line of all its output. */
    static JobRun exec(List<String> command, Path dir, Map<String, String> env, Duration limit, Consumer<String> output) {
        LastJsonLine result = new LastJsonLine();
        Exec.Result r = Exec.run(command, dir, env, null, limit, result.andThen(output));
        return new JobRun(r.exitCode(), result.parsed(), r.tail());
    }

    /** The JVM flags Spark needs on Java 17, from the parent pom's {@code spark.jvm.flags} (filtered into the jar). */
    public static List<String> sparkJvmFlags() {
        try (InputStream in = JobLauncher.class.getClassLoader().getResourceAsStream("tunetrail/build.properties")) {
            if (in == null) {
                throw new IllegalStateException("tunetrail/build.properties is missing from the CLI jar; rebuild the cli module");
            }
            Properties p = new Properties();
            p.load(in);
            String flags = p.getProperty("spark.jvm.flags", "").trim();
            if (flags.isEmpty() || flags.contains("${")) {
                throw new IllegalStateException("spark.jvm.flags was not filled in by the build; rebuild the cli module with ./mvnw");
            }
            return Arrays.asList(flags.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Remembers the job's result, the last output line that is a JSON object, however much output follows it: Spark
     * can print a long stack trace while it shuts down after the result line (a heartbeat's RPC failing), which pushed
     * the result out of the 25 lines {@link Exec} keeps and failed a run that had succeeded.
     */
    private static final class LastJsonLine implements Consumer<String> {
        private volatile String line;

        @Override
        public void accept(String output) {
            String trimmed = output.trim();
            if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
                line = trimmed;
            }
        }

        /** The last JSON object line, parsed; null when there was none or it does not parse. */
        JsonNode parsed() {
            String last = line;
            if (last == null) {
                return null;
            }
            try {
                return EventCodec.mapper().readTree(last);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
