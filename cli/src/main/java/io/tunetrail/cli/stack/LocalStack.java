package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local stack: a KRaft Kafka broker, a private PostgreSQL 15 cluster with pgvector and the platform's schema, and
 * Redis, each a process of its own on loopback at the configured ports, with data, logs and pid files under the
 * configured home directory ({@code TUNETRAIL_HOME}). A system PostgreSQL or Redis is never touched.
 *
 * <p>For callers ({@code ./tunetrail stack}, {@code demo}, {@code test}):
 * <pre>{@code
 * LocalStack stack = new LocalStack(PlatformConfig.load());
 * Set<String> started = stack.start();       // idempotent; throws CliError when something cannot start
 * ...
 * stack.stop();                               // idempotent; leaves no process behind
 * }</pre>
 * {@link #start()} returns once every service answers, the platform's topics exist and the Flyway migrations on the
 * classpath are applied. It only starts what is not running: for a stack that is already up it does nothing, not
 * even migrations ({@code Database.migrate} is idempotent if a caller needs the newest schema). The processes
 * outlive the JVM that started them. Every failure is a {@link CliError} that names the log file to read.
 *
 * <p>Side effect: unless configured otherwise, the Kafka, HikariCP and Flyway client loggers of this JVM are set to
 * WARN (slf4j-simple), so a start prints a few lines instead of client configuration dumps.
 */
public final class LocalStack {
    /** How long each service may take to answer after it is launched. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final StackLayout layout;
    private final Consumer<String> progress;
    private final List<ManagedService> services;
    private final ApiService api;

    /** A stack for {@code config}, reporting progress on standard output. */
    public LocalStack(PlatformConfig config) {
        this(config, System.out::println);
    }

    /** A stack for {@code config}, reporting progress, one line at a time, to {@code progress}. */
    public LocalStack(PlatformConfig config, Consumer<String> progress) {
        this(config, progress, System.getProperty("java.class.path"));
    }

    /** {@code classpath} is the broker JVM's: the CLI's own, which holds Kafka and {@link KafkaBrokerMain}. */
    LocalStack(PlatformConfig config, Consumer<String> progress, String classpath) {
        this.layout = StackLayout.of(config);
        this.progress = progress;
        this.services = List.of(new KafkaService(layout, progress, classpath), new PostgresService(layout, progress),
                new RedisService(layout, progress));
        this.api = new ApiService(layout, progress, classpath);
        quietClientLogs();
    }

    /** The home directory that holds the stack's data, logs and pid files. */
    public Path home() {
        return layout.home();
    }

    /** The directory of the services' log files ({@code kafka.log}, {@code postgres.log}, {@code redis.log}). */
    public Path logDirectory() {
        return layout.logs();
    }

    /**
     * Starts every service that is not running and waits until each answers; returns the names of the services it
     * started, empty when all were running already (then it does nothing else). Ports are checked before anything is launched, so a taken port fails the
     * start without leaving half a stack behind. A service that fails later is stopped again, while the others that
     * came up keep running; the next start then starts only what is missing.
     *
     * @throws CliError when a program is missing or a port is taken (exit code 3), or a service fails to start (1)
     */
    public Set<String> start() {
        long t0 = System.nanoTime();
        return withLock(() -> {
            List<ManagedService> toStart = new ArrayList<>();
            for (ManagedService s : services) {
                var running = s.running();
                if (running.isPresent()) {
                    progress.accept(String.format("  %-9s already running on %s (pid %d)", s.name(), s.endpoint(), running.get().pid()));
                } else {
                    toStart.add(s);
                }
            }
            if (toStart.isEmpty()) {
                progress.accept("Local stack already running (home " + layout.home() + "): nothing to start.");
                return Set.<String>of();
            }
            for (ManagedService s : toStart) {
                s.checkInstalled();
                for (Endpoint ep : s.endpoints()) {
                    if (!ep.isFree()) {
                        throw ep.takenError(s.name());
                    }
                }
            }
            progress.accept("Starting " + String.join(", ", toStart.stream().map(ManagedService::name).toList())
                    + " (home " + layout.home() + ", logs in " + layout.logs() + ")");
            inParallel(toStart, s -> {
                try {
                    s.start(START_TIMEOUT);
                } catch (Exception | Error e) {
                    // Leave nothing half-started: the next start then repeats every step of this service.
                    try {
                        s.stop();
                    } catch (Exception cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
                return null;
            });
            progress.accept(String.format("Local stack up in %.1f s.", (System.nanoTime() - t0) / 1e9));
            return toStart.stream().map(ManagedService::name).collect(Collectors.toUnmodifiableSet());
        });
    }

    /**
     * Stops every service of this home directory, gracefully first and by force after a timeout, and waits until
     * their processes have exited. Returns false when nothing was running.
     */
    public boolean stop() {
        Set<String> all = services.stream().map(ManagedService::name).collect(Collectors.toSet());
        // The API first, while the servers it uses are still up, so it shuts down cleanly.
        boolean apiStopped = Files.isDirectory(layout.home()) && api.running().isPresent() && stop(Set.of(api.name()));
        return stop(all) || apiStopped;
    }

    /**
     * Starts the serving API in the background unless it runs already (the demo's last stage); {@code stack stop}
     * stops it. Returns its address.
     */
    public String startApi() {
        return withLock(() -> {
            var running = api.running();
            if (running.isPresent()) {
                progress.accept(String.format("  %-9s already running on %s (pid %d)", api.name(), api.endpoint(), running.get().pid()));
            } else {
                api.checkInstalled();
                if (!api.endpoint().isFree()) {
                    throw api.endpoint().takenError(api.name());
                }
                api.start(START_TIMEOUT);
            }
            return "http://" + api.endpoint();
        });
    }

    /**
     * Stops only the named services (e.g. the ones a {@link #start()} returned, so that a command stops what it
     * started and leaves alone what the user had running). Returns false when none of them was running.
     */
    public boolean stop(Set<String> names) {
        if (!Files.isDirectory(layout.home())) {
            progress.accept("Local stack is not running (no " + layout.home() + ").");
            return false;
        }
        long t0 = System.nanoTime();
        return withLock(() -> {
            List<ManagedService> targets = java.util.stream.Stream.concat(Stream.of(api), services.stream())
                    .filter(s -> names.contains(s.name())).toList();
            if (targets.isEmpty()) {
                return false;
            }
            List<Boolean> stopped = inParallel(targets, ManagedService::stop);
            for (int i = 0; i < targets.size(); i++) {
                progress.accept(String.format("  %-9s %s", targets.get(i).name(), stopped.get(i) ? "stopped" : "was not running"));
            }
            boolean any = stopped.contains(true);
            progress.accept(any ? String.format("Local stack stopped in %.1f s.", (System.nanoTime() - t0) / 1e9)
                    : "Local stack was not running: nothing to stop.");
            return any;
        });
    }

    /** Each service's address, pid and state, probing the live ones with a real request. */
    public List<ServiceStatus> status() {
        return inParallel(services, ManagedService::status);
    }

    /** True when every service runs and answers. */
    public boolean isRunning() {
        return status().stream().allMatch(ServiceStatus::isRunning);
    }

    private interface Work<T> {
        T run() throws Exception;
    }

    private interface ServiceWork<T> {
        T run(ManagedService s) throws Exception;
    }

    /** Runs {@code work} for each service at once; the first failure is rethrown after all have finished. */
    private <T> List<T> inParallel(List<ManagedService> targets, ServiceWork<T> work) {
        ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
            Thread t = new Thread(r, "local-stack");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (ManagedService s : targets) {
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
                "See " + s.logFile() + " and fix the cause, then run 'tunetrail stack start' again", t);
    }

    /** Serialises start and stop across processes: a second command waits instead of racing the first. */
    private <T> T withLock(Work<T> work) {
        try {
            layout.createDirectories();
            try (FileChannel ch = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    progress.accept("Waiting for another 'tunetrail stack' command on " + layout.home() + " to finish...");
                    lock = ch.lock();
                }
                try {
                    return work.run();
                } finally {
                    lock.release();
                }
            }
        } catch (CliError | UncheckedIOException e) {
            throw e;
        } catch (IOException e) {
            throw CliError.environment("cannot use " + layout.home(), e.getMessage(),
                    "Check that the directory is writable, or set " + PlatformConfig.HOME.describe());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw CliError.failed("local stack failed", e.toString(), null, e);
        }
    }

    private static void quietClientLogs() {
        for (Map.Entry<String, String> e : Map.of("org.apache.kafka", "warn", "com.zaxxer.hikari", "warn", "org.flywaydb", "warn").entrySet()) {
            String key = "org.slf4j.simpleLogger.log." + e.getKey();
            if (System.getProperty(key) == null) {
                System.setProperty(key, e.getValue());
            }
        }
    }
}
