package io.tunetrail.cli;

import static io.tunetrail.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.model.Decoded;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunetrailCliTest {


    @Test
    void everyVerbHasHelp() {
        List<String> verbs = List.copyOf(TunetrailCli.newCommandLine().getSubcommands().keySet());
        assertThat(verbs).contains("setup", "stack", "demo", "test", "generate", "import", "peek");
        for (String verb : verbs) {
            if (verb.equals("help")) {
                continue;
            }
            Object[] result = run(verb, "--help");
            assertThat(result[0]).as(verb + " --help").isEqualTo(0);
            assertThat((String) result[1]).as(verb + " --help").contains("Usage: tunetrail " + verb);
        }
    }

    @Test
    void unknownVerbAndMissingOptionsAreUsageErrors() {
        assertThat(run("frobnicate")[0]).isEqualTo(CliError.USAGE);
        Object[] noDir = run("import", "--dataset", "lastfm-2k");
        assertThat(noDir[0]).isEqualTo(CliError.USAGE);
        assertThat((String) noDir[1]).contains("--data-dir");
    }

    @Test
    void badDatasetNamesTheKnownOnes(@TempDir Path dir) {
        Object[] result = run("import", "--dataset", "napster", "--data-dir", dir.toString());
        assertThat(result[0]).isEqualTo(CliError.USAGE);
        assertThat((String) result[1]).contains("napster").contains("lastfm-2k").contains("movielens");
        assertThat(((String) result[1]).lines().count()).as("one line").isEqualTo(1);
    }

    @Test
    void badValuesSayWhatToDo(@TempDir Path dir) {
        Object[] badScale = run("generate", "--scale", "-1", "--out", dir.toString());
        assertThat(badScale[0]).isEqualTo(CliError.USAGE);
        assertThat((String) badScale[1]).contains("scale");
        Object[] badEnd = run("generate", "--end", "tomorrow", "--out", dir.toString());
        assertThat(badEnd[0]).isEqualTo(CliError.USAGE);
        assertThat((String) badEnd[1]).contains("YYYY-MM-DD");
        Object[] missingDir = run("import", "--dataset", "spotify", "--data-dir", dir.resolve("nope").toString());
        assertThat(missingDir[0]).isEqualTo(CliError.USAGE);
        assertThat((String) missingDir[1]).contains("not a directory");
    }

    @Test
    void generateWritesValidDeterministicFiles(@TempDir Path dir) throws Exception {
        assertThat(run("generate", "--scale", "0.02", "--end", "2026-11-01", "--out", dir.resolve("a").toString())[0]).isEqualTo(0);
        assertThat(run("generate", "--scale", "0.02", "--end", "2026-11-01", "--out", dir.resolve("b").toString())[0]).isEqualTo(0);
        List<String> lines = Files.readAllLines(dir.resolve("a/interactions.jsonl"));
        assertThat(lines).isNotEmpty();
        assertThat(Files.readAllLines(dir.resolve("b/interactions.jsonl"))).isEqualTo(lines);
        assertThat(Files.readString(dir.resolve("a/catalog.json"))).isEqualTo(Files.readString(dir.resolve("b/catalog.json")))
                .contains("\"audio_features\"").contains("\"tracks\"");
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            Decoded<InteractionEvent> d = codec.decode(line.getBytes(StandardCharsets.UTF_8));
            assertThat(d.isAccepted()).as(d.toString()).isTrue();
            ids.add(d.value().clientEventId());
        }
        assertThat(ids).hasSize(lines.size());
    }
}
