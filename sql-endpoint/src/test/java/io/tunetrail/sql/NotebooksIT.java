package io.tunetrail.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The four notebooks of {@code notebooks/} run headless, as {@code ./tunetrail notebooks} runs them, against one real
 * endpoint over a demo-like lake ({@link DemoLake}), logged in as an analyst through JPype and hive-jdbc: a cell that
 * raises fails the run, each notebook's key frames must hold rows, and each report is HTML with its charts.
 */
class NotebooksIT {
    /** Debian's interpreter: the notebook packages (JPype above all) are Debian's (setup installs them). */
    static final String PYTHON = "/usr/bin/python3";
    static final Map<String, List<String>> KEY_FRAMES = Map.of(
            "usage_billing", List.of("daily", "monthly", "top_keys", "revenue", "costs"),
            "listening", List.of("daily", "hours", "devices", "top_tracks"),
            "model_quality", List.of("metrics", "bias", "versus", "arms"),
            "data_quality", List.of("letters", "volume", "checks"));

    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    static SqlEndpointFixture endpoint;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        work = Path.of("target", "notebooks-it-" + System.nanoTime()).toAbsolutePath();
        // The endpoint's default time limit: on a loaded machine a small query can take over the 30 s the limit tests use.
        endpoint = new SqlEndpointFixture(DB, work.resolve("home"), 100_000, Integer.parseInt(PlatformConfig.SQL_QUERY_TIMEOUT_SECONDS.defaultValue()),
                DemoLake::write);
    }

    @AfterAll
    static void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void theFourNotebooksRunAgainstTheEndpointAndRenderToHtml() throws Exception {
        Path notebooks = Path.of("..", "notebooks").toAbsolutePath().normalize();
        Path html = work.resolve("html");
        Path summaries = work.resolve("summary");
        Path log = work.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(PYTHON, notebooks.resolve("run_notebooks.py").toString(), "--html", html.toString(),
                "--timeout", "300");
        pb.environment().put("TUNETRAIL_SQL_URL", endpoint.server.jdbcUrl());
        pb.environment().put("TUNETRAIL_SQL_USER", endpoint.everyOrg.name());
        pb.environment().put("TUNETRAIL_SQL_PASSWORD", endpoint.everyOrg.password());
        pb.environment().put("TUNETRAIL_SQL_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("TUNETRAIL_NOTEBOOK_SUMMARY", summaries.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        boolean finished = p.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("the notebooks finished within 20 minutes:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("every cell of every notebook ran:%n%s", output).isZero();

        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, List<String>> nb : KEY_FRAMES.entrySet()) {
            JsonNode counts = json.readTree(summaries.resolve(nb.getKey() + ".json").toFile());
            for (String frame : nb.getValue()) {
                assertThat(counts.path(frame).asInt(0)).as("rows of %s in %s", frame, nb.getKey()).isPositive();
            }
            String report = Files.readString(html.resolve(nb.getKey() + ".html"), StandardCharsets.UTF_8);
            assertThat(report).as("%s's report has its charts", nb.getKey()).contains("data:image/png;base64");
        }
        try (var listing = Files.list(notebooks)) {
            for (File f : listing.filter(f -> f.toString().endsWith(".ipynb")).map(Path::toFile).toList()) {
                assertThat(Files.readString(f.toPath())).as("%s is committed without outputs", f.getName())
                        .doesNotContain("\"execution_count\": 1").doesNotContain("\"output_type\"");
            }
        }
        List<String> names = new ArrayList<>(KEY_FRAMES.keySet());
        assertThat(output).contains(names.toArray(String[]::new));
    }
}
