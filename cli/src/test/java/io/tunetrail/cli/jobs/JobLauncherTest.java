package io.tunetrail.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLauncherTest {

    @Test
    void sparkFlagsAreThePomsOneDefinition() {
        List<String> flags = JobLauncher.sparkJvmFlags();
        assertThat(flags).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Dio.netty.tryReflectionSetAccessible=true");
        assertThat(flags).noneMatch(f -> f.contains("${") || f.isBlank());
    }

    @Test
    void aJobJarThatIsNotBuiltSaysHowToBuildIt(@TempDir Path emptyRepository) {
        PlatformConfig config = PlatformConfig.load(Map.of("TUNETRAIL_HOME", emptyRepository.toString()), Map.of());
        JobLauncher launcher = new JobLauncher(config, emptyRepository);
        assertThatThrownBy(() -> launcher.run(JobLauncher.Engine.SPARK, List.of("--job", "land"), line -> { }))
                .isInstanceOf(CliError.class)
                .hasMessageContaining("tunetrail-batch-training.jar")
                .hasMessageContaining("./tunetrail setup")
                .satisfies(e -> assertThat(((CliError) e).exitCode()).isEqualTo(CliError.ENVIRONMENT));
    }

    @Test
    void theResultLineIsKeptWhenALongStackTraceFollowsIt() {
        // As Spark printed at shutdown after a quality check's result: 40 lines of a failed heartbeat's trace.
        JobLauncher.JobRun run = JobLauncher.exec(List.of("bash", "-c", "echo 'progress {\"step\":1}'; "
                + "echo '{\"job\":\"quality\",\"failed\":[]}'; "
                + "for i in $(seq 40); do echo \"\tat org.apache.spark.rpc.RpcEndpointRef.askSync(RpcEndpointRef.scala:$i)\"; done"),
                null, Map.of(), Duration.ofSeconds(30), line -> { });
        assertThat(run.ok()).isTrue();
        assertThat(run.tail()).as("the result is out of the kept tail").noneMatch(l -> l.startsWith("{"));
        assertThat(run.result().get("job").asText()).isEqualTo("quality");
    }

    @Test
    void withoutAJsonObjectLineThereIsNoResult() {
        JobLauncher.JobRun none = JobLauncher.exec(List.of("bash", "-c", "echo 'progress {\"step\":1}'; echo '{not json}'"),
                null, Map.of(), Duration.ofSeconds(30), line -> { });
        assertThat(none.result()).as("a line that only looks like an object is no result").isNull();
        JobLauncher.JobRun padded = JobLauncher.exec(List.of("bash", "-c", "echo '{not json}'; echo '  {\"ok\": true}  '"),
                null, Map.of(), Duration.ofSeconds(30), line -> { });
        assertThat(padded.result().get("ok").asBoolean()).isTrue();
    }
}
