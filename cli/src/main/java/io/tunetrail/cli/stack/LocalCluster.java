package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Real multi-process clusters on loopback, apart from the local stack: a Spark standalone master with two workers, a
 * Flink session cluster (a JobManager and two TaskManagers) and three KRaft Kafka nodes, each a JVM of its own with
 * its pid file, log and data under {@code <home>/cluster/}. The jobs' jars are submitted to them as to any cluster
 * ({@code ./tunetrail train --cluster}, {@code stream --cluster}).
 *
 * <pre>{@code
 * LocalCluster cluster = new LocalCluster(config, repositoryRoot, System.out::println);
 * cluster.start(EnumSet.allOf(LocalCluster.Part.class));   // idempotent; CliError when something cannot start
 * ...
 * cluster.stop(EnumSet.allOf(LocalCluster.Part.class));    // idempotent; leaves no process behind
 * }</pre>
 * Like the stack's, the processes outlive the JVM that started them; a test calls {@link #stopOnExit} too.
 */
public final class LocalCluster {
    /** A part of the cluster, as {@code --spark}, {@code --flink} and {@code --kafka} name them. */
    public enum Part { SPARK, FLINK, KAFKA }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final PlatformConfig config;
    private final Path root;
    private final String cliClasspath;
    private final StackLayout layout;
    private final Consumer<String> progress;
    private final SparkHome sparkHome;
    private final FlinkHome flinkHome;

    /** @param root the repository, whose {@code batch-training} and {@code streaming-jobs} builds hold the engines' jars */
    public LocalCluster(PlatformConfig config, Path root, Consumer<String> progress) {
        this.config = config;
        this.root = root;
        this.cliClasspath = System.getProperty("java.class.path");
        this.layout = StackLayout.cluster(config);
        this.progress = progress;
        this.sparkHome = SparkHome.under(layout.home());
        this.flinkHome = FlinkHome.under(layout.home());
    }

    /** {@code <home>/cluster}: the cluster's processes' folders, logs and pid files. */
    public Path home() {
        return layout.home();
    }

    public Path logDirectory() {
        return layout.logs();
    }

    public SparkHome sparkHome() {
        return sparkHome;
    }

    public FlinkHome flinkHome() {
        return flinkHome;
    }

    /** {@code spark://127.0.0.1:<cluster.spark.master-port>}. */
    public String sparkMasterUrl() {
        return SparkNodeService.masterUrl(config);
    }

    /** The Spark master's JSON status ({@code /json/}: workers, applications). */
    public String sparkStatusUrl() {
        return SparkNodeService.statusUrl(config);
    }

    /** The Flink JobManager's REST address. */
    public String flinkRestUrl() {
        return FlinkHome.restUrl(config);
    }

    /** The three Kafka nodes as bootstrap servers. */
    public String kafkaBootstrap() {
        return KafkaNodeService.bootstrap(config);
    }

    /** The process of the named service ({@code spark-worker-1}, {@code flink-taskmanager-2}, {@code kafka-3}, ...). */
    public Optional<ProcessHandle> process(String service) {
        return services(EnumSet.allOf(Part.class)).stream().filter(s -> s.name().equals(service)).findFirst()
                .flatMap(ManagedService::running);
    }

    /**
     * Starts what is not running of {@code parts} and waits until each process answers (a worker or TaskManager: until
     * its master lists it); returns the names of the processes it started. Taken ports fail the start before anything
     * is launched (exit code 3).
     */
    public Set<String> start(Set<Part> parts) {
        return withLock(() -> {
            long t0 = System.nanoTime();
            Set<String> started = new LinkedHashSet<>();
            for (Part part : parts) {
                List<List<ClusterJvmService>> phases = phases(part);
                List<ClusterJvmService> toStart = new ArrayList<>();
                for (List<ClusterJvmService> phase : phases) {
                    for (ClusterJvmService s : phase) {
                        if (s.running().isEmpty()) {
                            toStart.add(s);
                        }
                    }
                }
                if (toStart.isEmpty()) {
                    progress.accept("  " + part.name().toLowerCase() + ": already running");
                    continue;
                }
                for (ClusterJvmService s : toStart) {
                    for (Endpoint ep : s.endpoints()) {
                        if (!ep.isFree()) {
                            throw ep.takenError(s.name());
                        }
                    }
                }
                prepare(part, phases);
                for (List<ClusterJvmService> phase : phases) {
                    // The nodes of a phase start together: Kafka's voters need each other to form a quorum.
                    inParallel(phase.stream().filter(toStart::contains).toList(), s -> {
                        s.start(START_TIMEOUT);
                        started.add(s.name());
                        return null;
                    });
                }
                if (part == Part.KAFKA) {
                    List<String> created = createTopics();
                    if (!created.isEmpty()) {
                        progress.accept("  kafka: created topics " + String.join(", ", created) + " (replication "
                                + ClusterBrokerMain.REPLICATION + ", min.insync.replicas " + ClusterBrokerMain.MIN_IN_SYNC + ")");
                    }
                }
            }
            progress.accept(String.format("Local cluster up in %.1f s (home %s, logs in %s).", (System.nanoTime() - t0) / 1e9,
                    layout.home(), layout.logs()));
            return started;
        });
    }

    /** Stops every process of {@code parts} (workers before their master); returns false when none was running. */
    public boolean stop(Set<Part> parts) {
        if (!Files.isDirectory(layout.home())) {
            progress.accept("Local cluster is not running (no " + layout.home() + ").");
            return false;
        }
        return withLock(() -> {
            boolean any = false;
            for (Part part : parts) {
                List<List<ClusterJvmService>> phases = new ArrayList<>(phases(part));
                java.util.Collections.reverse(phases);
                for (List<ClusterJvmService> phase : phases) {
                    List<Boolean> stopped = inParallel(phase, ManagedService::stop);
                    for (int i = 0; i < phase.size(); i++) {
                        progress.accept(String.format("  %-19s %s", phase.get(i).name(), stopped.get(i) ? "stopped" : "was not running"));
                        any |= stopped.get(i);
                    }
                }
            }
            return any;
        });
    }

    /** Each process's address, pid and state. */
    public List<ServiceStatus> status(Set<Part> parts) {
        return inParallel(services(parts), ManagedService::status);
    }

    /** Stops {@code parts} when this JVM exits, however it exits (a test's safety net beside its own stop). */
    public void stopOnExit(Set<Part> parts) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop(parts);
            } catch (RuntimeException e) {
                System.err.println("local cluster: stopping at exit failed: " + e.getMessage());
            }
        }, "local-cluster-stop"));
    }

    private List<ClusterJvmService> services(Set<Part> parts) {
        List<ClusterJvmService> all = new ArrayList<>();
        for (Part p : parts) {
            phases(p).forEach(all::addAll);
        }
        return all;
    }

    /** The processes of a part in start order: a master first, then its workers together. */
    private List<List<ClusterJvmService>> phases(Part part) {
        return switch (part) {
            case SPARK -> List.of(List.of(new SparkNodeService(layout, progress, sparkHome, 0)),
                    List.of(new SparkNodeService(layout, progress, sparkHome, 1), new SparkNodeService(layout, progress, sparkHome, 2)));
            case FLINK -> List.of(List.of(new FlinkNodeService(layout, progress, flinkHome, 0)),
                    List.of(new FlinkNodeService(layout, progress, flinkHome, 1), new FlinkNodeService(layout, progress, flinkHome, 2)));
            case KAFKA -> {
                String id = kafkaClusterId();
                List<ClusterJvmService> nodes = new ArrayList<>();
                for (int n = 1; n <= KafkaNodeService.NODES; n++) {
                    nodes.add(new KafkaNodeService(layout, progress, cliClasspath, n, id));
                }
                yield List.of(nodes);
            }
        };
    }

    /** Lays out the engine's jars and configuration, unless a process of the part still runs from them. */
    private void prepare(Part part, List<List<ClusterJvmService>> phases) throws IOException {
        boolean anyRunning = phases.stream().flatMap(List::stream).anyMatch(s -> s.running().isPresent());
        if (anyRunning) {
            return;
        }
        if (part == Part.SPARK) {
            sparkHome.layOut(requireRoot());
        } else if (part == Part.FLINK) {
            flinkHome.layOut(requireRoot(), cliClasspath, config);
        }
    }

    private Path requireRoot() {
        if (root == null) {
            throw CliError.environment("the repository root is unknown", "TUNETRAIL_ROOT is not set", "Run it through ./tunetrail cluster");
        }
        return root;
    }

    /** The id all three nodes are formatted with; made once, kept beside their data. */
    private String kafkaClusterId() {
        Path file = layout.home().resolve("kafka-cluster.id");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                String id = org.apache.kafka.common.Uuid.randomUuid().toString();
                Files.writeString(file, id + "\n");
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw CliError.environment("cannot use " + file, e.getMessage(), "Check that " + layout.home() + " is writable");
        }
    }

    /** The platform's topics on the three nodes, replicated three times. */
    private List<String> createTopics() throws Exception {
        List<String> names = new ArrayList<>(KafkaTopics.names(config));
        names.addAll(KafkaTopics.resultNames(config));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            for (String name : names) {
                NewTopic topic = new NewTopic(name, config.getInt(PlatformConfig.KAFKA_PARTITIONS), (short) ClusterBrokerMain.REPLICATION)
                        .configs(Map.of("min.insync.replicas", String.valueOf(ClusterBrokerMain.MIN_IN_SYNC)));
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    created.add(name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        return created;
    }

    private interface Work<T> {
        T run(ClusterJvmService s) throws Exception;
    }

    private <T> List<T> inParallel(List<ClusterJvmService> targets, Work<T> work) {
        if (targets.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
            Thread t = new Thread(r, "local-cluster");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (ClusterJvmService s : targets) {
                futures.add(pool.submit(() -> work.run(s)));
            }
            List<T> results = new ArrayList<>();
            CliError first = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    CliError err = asCliError(targets.get(i), e.getCause());
                    if (first == null) {
                        first = err;
                    } else {
                        progress.accept("  " + targets.get(i).name() + ": " + err.getMessage());
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliError.failed("interrupted", null, null);
        } finally {
            pool.shutdownNow();
        }
    }

    private static CliError asCliError(ManagedService s, Throwable t) {
        if (t instanceof CliError e) {
            return e;
        }
        String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse(t.toString());
        return CliError.failed(s.name() + " failed", t.getClass().getSimpleName() + ": " + msg,
                "See " + s.logFile() + " and fix the cause, then run 'tunetrail cluster start' again", t);
    }

    /** Serialises start and stop across processes, as the stack does. */
    private <T> T withLock(Callable<T> work) {
        try {
            Files.createDirectories(layout.home());
            try (FileChannel ch = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    progress.accept("Waiting for another 'tunetrail cluster' command on " + layout.home() + " to finish...");
                    lock = ch.lock();
                }
                try {
                    return work.call();
                } finally {
                    lock.release();
                }
            }
        } catch (CliError e) {
            throw e;
        } catch (IOException e) {
            throw CliError.environment("cannot use " + layout.home(), e.getMessage(),
                    "Check that the directory is writable, or set " + PlatformConfig.HOME.describe());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw CliError.failed("local cluster failed", e.toString(), null, e);
        }
    }
}
