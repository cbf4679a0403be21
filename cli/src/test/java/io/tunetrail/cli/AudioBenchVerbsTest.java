package io.tunetrail.cli;

import static io.tunetrail.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench audio refuses bad command lines with exit 2 and a reason before reading any audio. */
class AudioBenchVerbsTest {
    @TempDir
    Path dir;

    @Test
    void refusesAnAbsurdRoundCount() {
        Object[] result = run("bench", "audio", "--rounds", "0");
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("--rounds");
    }

    @Test
    void refusesAFolderWithoutAudio() {
        Object[] result = run("bench", "audio", "--clips", dir.toString());
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("no audio files");
    }
}
