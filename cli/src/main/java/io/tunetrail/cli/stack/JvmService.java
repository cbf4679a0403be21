package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A stack service that is one of our own JVMs (the Kafka broker, the serving API): started from the CLI's classpath,
 * detached with {@code setsid} so neither the CLI's exit nor a closed terminal stops it, its output appended to
 * {@code <home>/logs/<name>.log}.
 */
abstract class JvmService extends ManagedService {
    private final String classpath;

    JvmService(StackLayout layout, Consumer<String> progress, String classpath) {
        super(layout, progress);
        this.classpath = classpath;
    }

    /** The class whose {@code main} runs the server; {@link #isOurs} looks for it on the command line. */
    abstract String mainClass();

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Fails with a {@link CliError} naming {@code what} when {@code className} is not on the CLI's classpath. */
    void requireOnClasspath(String className, String what) {
        if (!Files.isExecutable(java())) {
            throw CliError.environment("cannot start " + name(), java() + " is missing", "Reinstall the JDK or set JAVA_HOME");
        }
        try {
            Class.forName(className, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw CliError.environment("cannot start " + name(), what + " is not on the CLI's classpath",
                    "Rebuild the CLI: ./mvnw -DskipTests install -pl cli -am");
        }
    }

    /**
     * Starts {@link #mainClass()} detached in {@code workDir} with the given JVM options, arguments and extra
     * environment, waits until it {@link #answers()}, then runs {@code prepare} (topics, say), whose text ends the
     * "up" line. A server that does not come up, or cannot be prepared, is stopped, so the next start begins afresh.
     */
    void launch(Path workDir, List<String> jvmOptions, List<String> args, Map<String, String> env, Duration timeout,
            Callable<String> prepare) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(workDir);
        Files.createDirectories(layout.logs());
        Files.writeString(logFile(), "=== tunetrail " + name() + " start " + Instant.now() + " ===\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>();
        Path setsid = Exec.which("setsid");
        if (setsid != null) {
            cmd.add(setsid.toString());
        }
        cmd.addAll(List.of(java().toString(), "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, mainClass()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .directory(workDir.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        // setsid execs in place when its caller is no group leader (always, from a JVM), so this is the server's pid.
        Files.writeString(pidFile(), process.pid() + "\n");
        try {
            awaitAnswering(Optional.of(process.toHandle()), timeout);
            String prepared = prepare.call();
            progress.accept(String.format("  %-9s up on %s (pid %d) in %.1f s%s", name(), shownAddress(), process.pid(),
                    (System.nanoTime() - t0) / 1e9, prepared));
        } catch (Exception | Error e) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            cleanUpAfterStop();
            throw e;
        }
    }

    /** The address as the "up" line shows it. */
    String shownAddress() {
        return endpoint().toString();
    }

    @Override
    void requestStop(ProcessHandle server) {
        // SIGTERM runs the JVM's shutdown hooks: the broker shuts down cleanly (no log recovery on the next start),
        // the API stops Jetty, flushes key last-use times and closes its stores.
        server.destroy();
    }
}
