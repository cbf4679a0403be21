package io.tunetrail.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.cli.CliError;
import io.tunetrail.model.PlatformConfig;
import java.nio.file.Path;
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
}
