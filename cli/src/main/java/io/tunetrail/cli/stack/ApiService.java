package io.tunetrail.cli.stack;

import io.tunetrail.cli.CliError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The serving API in the background ({@code io.tunetrail.api.ApiServerMain} in a JVM of its own, detached like the
 * broker), as the demo starts it. Not part of {@code stack start}: the stack is the servers the platform needs, the
 * API is an app on top. {@code stack stop} stops it with the rest, before the servers it uses.
 */
final class ApiService extends ManagedService {
    static final String MAIN = "io.tunetrail.api.ApiServerMain";
    private final String classpath;

    ApiService(StackLayout layout, Consumer<String> progress, String classpath) {
        super(layout, progress);
        this.classpath = classpath;
    }

    @Override
    String name() {
        return "api";
    }

    @Override
    Endpoint endpoint() {
        return Endpoint.api(layout.config());
    }

    Path dir() {
        return layout.home().resolve("api");
    }

    @Override
    Path pidFile() {
        return dir().resolve("api.pid");
    }

    /** The marker that ties the process to this home directory (two homes may each run an API on other ports). */
    private String marker() {
        return "-Dtunetrail.api.home=" + layout.home();
    }

    @Override
    boolean isOurs(ProcessHandle p) {
        String cmd = commandLine(p);
        return cmd.contains(MAIN) && cmd.contains(marker());
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    @Override
    void checkInstalled() {
        try {
            Class.forName(MAIN, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw CliError.environment("cannot start the API", "the serving API is not on the CLI's classpath",
                    "Rebuild the CLI: ./mvnw -DskipTests install -pl cli -am");
        }
    }

    @Override
    void start(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(dir());
        Files.createDirectories(layout.logs());
        Files.writeString(logFile(), "=== tunetrail api start " + Instant.now() + " ===\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>();
        Path setsid = Exec.which("setsid");
        if (setsid != null) {
            cmd.add(setsid.toString());
        }
        cmd.addAll(List.of(java().toString(), "-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn", marker(),
                "-cp", classpath, MAIN));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .directory(dir().toFile());
        // The child reads the same configuration as this CLI, bound to loopback.
        pb.environment().putAll(layout.config().asEnv());
        pb.environment().put("TUNETRAIL_API_HOST", "127.0.0.1");
        Process process = pb.start();
        Files.writeString(pidFile(), process.pid() + "\n");
        try {
            awaitAnswering(Optional.of(process.toHandle()), timeout);
            progress.accept(String.format("  api       up on http://%s (pid %d) in %.1f s", endpoint(), process.pid(),
                    (System.nanoTime() - t0) / 1e9));
        } catch (Exception | Error e) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            cleanUpAfterStop();
            throw e;
        }
    }

    @Override
    boolean answers() {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build().send(
                    HttpRequest.newBuilder(URI.create("http://" + endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    void requestStop(ProcessHandle server) {
        // SIGTERM: the shutdown hook stops Jetty, flushes key last-use times and closes the stores.
        server.destroy();
    }
}
