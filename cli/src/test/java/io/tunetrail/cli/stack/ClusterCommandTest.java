package io.tunetrail.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.cli.CliError;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClusterCommandTest {

    private static Object[] run(PlatformConfig config, Path root, String... args) {
        StringWriter buffer = new StringWriter();
        CommandLine cli = new CommandLine(new ClusterCommand(() -> config, () -> root));
        PrintWriter w = new PrintWriter(buffer, true);
        cli.setOut(w);
        cli.setErr(w);
        cli.setExecutionExceptionHandler((ex, line, parse) -> {
            w.println("tunetrail cluster: " + ex.getMessage());
            return ex instanceof CliError e ? e.exitCode() : 1;
        });
        return new Object[] {cli.execute(args), buffer.toString()};
    }

    @Test
    void aWrongFlagOrActionIsOneLineAndExitTwo(@TempDir Path home) throws Exception {
        PlatformConfig config = ClusterTestSupport.config(home);
        for (String[] args : new String[][] {{"start", "--hive"}, {"restart"}, {}, {"status", "--spark", "extra"}}) {
            Object[] r = run(config, home, args);
            assertThat(r[0]).as(String.join(" ", args)).isEqualTo(CliError.USAGE);
            assertThat(((String) r[1]).strip().lines().count()).as("one line: " + r[1]).isEqualTo(1);
            assertThat((String) r[1]).contains("start|stop|status").as("says what is allowed");
        }
    }

    @Test
    void theVerbIsRegisteredAndRefusesBadFlagsThroughTheCli() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = TunetrailCli.run("cluster", "start", "--zookeeper");
        } finally {
            System.setErr(old);
        }
        assertThat(exit).isEqualTo(CliError.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--zookeeper").hasLineCount(1);
    }

    @Test
    void statusOfAClusterThatIsNotRunningSaysSoAndFails(@TempDir Path home) throws Exception {
        Object[] r = run(ClusterTestSupport.config(home), home, "status");
        assertThat(r[0]).isEqualTo(CliError.FAILED);
        String out = (String) r[1];
        for (String process : new String[] {"spark-master", "spark-worker-1", "spark-worker-2", "flink-jobmanager",
                "flink-taskmanager-1", "flink-taskmanager-2", "kafka-1", "kafka-2", "kafka-3"}) {
            assertThat(out).containsPattern(process + " .* stopped");
        }
        Object[] sparkOnly = run(ClusterTestSupport.config(home), home, "status", "--spark");
        assertThat((String) sparkOnly[1]).contains("spark-worker-2").doesNotContain("kafka-1").doesNotContain("flink-jobmanager");
    }

    @Test
    void flinkTaskManagerMemoryAddsUpToItsJvmFlags(@TempDir Path home) throws Exception {
        String yaml = FlinkHome.under(home).configYaml(ClusterTestSupport.config(home));
        long heap = mb(yaml, "taskmanager.memory.framework.heap.size") + mb(yaml, "taskmanager.memory.task.heap.size");
        long direct = mb(yaml, "taskmanager.memory.framework.off-heap.size") + mb(yaml, "taskmanager.memory.task.off-heap.size")
                + mb(yaml, "taskmanager.memory.network.max");
        assertThat(FlinkHome.TASK_MANAGER_JVM).contains("-Xmx" + heap + "m", "-XX:MaxDirectMemorySize=" + direct + "m",
                "-XX:MaxMetaspaceSize=" + mb(yaml, "taskmanager.memory.jvm-metaspace.size") + "m");
    }

    private static long mb(String yaml, String key) {
        return yaml.lines().filter(l -> l.startsWith(key + ": ")).map(l -> Long.parseLong(l.substring(key.length() + 2).replace("m", "")))
                .findFirst().orElseThrow(() -> new AssertionError(key + " missing"));
    }
}
