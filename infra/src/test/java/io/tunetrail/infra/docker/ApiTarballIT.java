package io.tunetrail.infra.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.pkg.ApiDistribution;
import io.tunetrail.cli.pkg.Artefacts;
import io.tunetrail.cli.pkg.PackageCommand;
import io.tunetrail.infra.k8s.Kustomize;
import io.tunetrail.infra.monitoring.DashboardMetrics;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API tarball {@code ./tunetrail package} builds starts the API on a machine with only a Java runtime: extracted
 * with {@code tar}, launched through its {@code bin/tunetrail-api} with nothing but {@code java} on the PATH, against
 * the running stack (a fresh database, fresh topics). Its {@code /metrics} then holds every metric the API dashboard
 * queries.
 */
class ApiTarballIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theTarballStartsTheApiWithOnlyJavaOnThePath(@TempDir Path tmp) throws Exception {
        Path root = Kustomize.infraDir().getParent();
        Artefacts artefacts = new Artefacts(PackageCommand.projectVersion());
        Path tarball = ApiDistribution.build(root, artefacts, tmp.resolve("package"));
        assertThat(tarball.getFileName().toString()).isEqualTo(artefacts.apiTarball());

        Path installed = Files.createDirectories(tmp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", installed.toString()).inheritIO().start();
        assertThat(tar.waitFor()).as("tar -xzf exit code").isZero();
        Path launcher = installed.resolve(artefacts.apiFolder()).resolve("bin/tunetrail-api");
        assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();

        // A PATH of java alone: the launcher may use nothing else (no dirname, readlink, ...).
        Path onlyJava = Files.createDirectories(tmp.resolve("path"));
        Files.createSymbolicLink(onlyJava.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        int port = freePort();
        String token = UUID.randomUUID().toString();
        Map<String, String> overrides = new HashMap<>(PlatformConfig.topicsNamed("it-tarball-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
        overrides.put(PlatformConfig.POSTGRES_DATABASE.name(), DB.config().get(PlatformConfig.POSTGRES_DATABASE));
        overrides.put(PlatformConfig.API_PORT.name(), Integer.toString(port));
        overrides.put(PlatformConfig.API_METRICS_TOKEN.name(), token);
        overrides.put(PlatformConfig.HOME.name(), tmp.resolve("home").toString());
        PlatformConfig config = PlatformConfig.load(System.getenv(), overrides);

        ProcessBuilder pb = new ProcessBuilder(launcher.toString()).directory(tmp.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("api.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(config.asEnv());
        pb.environment().put("PATH", onlyJava.toString());
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        Process api = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHealthy(api, base + "/health", tmp.resolve("api.log"));
            assertThat(get(base + "/metrics", null).statusCode()).as("/metrics without the token").isEqualTo(401);
            HttpResponse<String> metrics = get(base + "/metrics", token);
            assertThat(metrics.statusCode()).isEqualTo(200);

            Set<String> rendered = renderedNames(metrics.body());
            assertThat(rendered).contains("http_server_requests_seconds_count");
            assertThat(DashboardMetrics.queriedBy("api")).as("metrics the API dashboard queries, all rendered by the API")
                    .isNotEmpty().isSubsetOf(rendered);
            HttpResponse<String> console = get(base + "/console/sign-in", null);
            assertThat(console.statusCode()).as("the tarball's API serves the web console").isEqualTo(200);
            assertThat(console.body()).contains("id=\"sign-in-form\"");
        } finally {
            api.destroy();
            if (!api.waitFor(30, TimeUnit.SECONDS)) {
                api.destroyForcibly();
            }
        }
    }

    private void awaitHealthy(Process api, String url, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!api.isAlive()) {
                throw new AssertionError("the API exited with " + api.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get(url, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the API did not answer /health in 120 s:\n" + Files.readString(log));
    }

    private HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The metric names of a Prometheus text exposition (one sample per line, comments skipped). */
    static Set<String> renderedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
