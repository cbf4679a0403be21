package io.tunetrail.cli.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.http.Json;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.ClickTracks;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tunetrail analyze --dir} as an operator runs it: the CLI's real main in a JVM of its own against a fresh
 * database, on click tracks generated here (known tempo), a truncated WAV, a file named after no track and a text
 * file; then the rows the API reads, a second run that analyses nothing, ISRC matching (when ffmpeg can tag a FLAC)
 * and bad flags.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalyzeCommandIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    static Path home;

    private static final Path SHARED_CLIPS = Path.of("..", "..", "shared", "datasets", "audio-clips");

    private record Run(int exit, String out, String err) {
        JsonNode summary() throws IOException {
            List<String> lines = out.lines().toList();
            return Json.mapper().readTree(lines.get(lines.size() - 1));
        }
    }

    @BeforeAll
    static void catalog() throws Exception {
        for (String org : List.of("acme", "other")) {
            DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + org + "', '" + org + "', 'pro')");
        }
        DB.execute("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity, isrc) VALUES "
                + "('acme', 'tr-120', 'Click 120', 8000, 10, null), ('acme', 'tr-90', 'Click 90', 8000, 10, null), "
                + "('acme', 'tr-isrc', 'Tagged', 8000, 10, 'GBAYE2600001'), ('acme', 'tr-clip', 'A shared clip', 30000, 10, null), "
                + "('other', 'tr-other', 'Not acme''s', 8000, 10, null)");
    }

    private static Run tunetrail(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TunetrailCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put(PlatformConfig.HOME.envVar(), home.toString());
        for (PlatformConfig.Key key : List.of(PlatformConfig.POSTGRES_HOST, PlatformConfig.POSTGRES_PORT, PlatformConfig.POSTGRES_DATABASE,
                PlatformConfig.POSTGRES_USER, PlatformConfig.POSTGRES_PASSWORD)) {
            pb.environment().put(key.envVar(), DB.config().get(key));
        }
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void analysesMatchedFilesReportsEachFailureAndExitsOne() throws Exception {
        Path dir = Files.createDirectories(home.resolve("drop/nested"));
        Files.write(dir.getParent().resolve("tr-120.wav"), ClickTracks.wav(120, 8, 1000));
        Files.write(dir.resolve("tr-90.wav"), ClickTracks.wav(90, 8, 2500));
        Files.write(dir.resolve("no-such-track.wav"), ClickTracks.wav(100, 2, 1000));
        Files.write(dir.resolve("tr-other.wav"), ClickTracks.wav(100, 2, 1000));
        Files.write(dir.getParent().resolve("tr-clip.wav"), ClickTracks.truncatedWav());
        Files.writeString(dir.resolve("notes.txt"), "not audio");

        Run run = tunetrail("analyze", "--dir", dir.getParent().toString(), "--org", "acme", "--threads", "2");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("unmatched: " + dir.resolve("no-such-track.wav") + ": org acme has no track with id 'no-such-track'")
                .as("another org's track is no track of this org").contains("unmatched: " + dir.resolve("tr-other.wav"))
                .contains("undecodable: " + dir.getParent().resolve("tr-clip.wav"));
        assertThat(run.err()).contains("analyze: 2 unmatched and 1 refused of 5 files");
        JsonNode s = run.summary();
        assertThat(s.get("files").asInt()).isEqualTo(5);
        assertThat(s.get("analysed").asInt()).isEqualTo(2);
        assertThat(s.get("unmatched").asInt()).isEqualTo(2);
        assertThat(s.get("refused").asInt()).isEqualTo(1);
        assertThat(s.get("ignored").asInt()).isEqualTo(1);

        Map<String, Double> tempo = query("SELECT track_id, (features->>'tempo')::float8 FROM audio_analyses WHERE org_id = 'acme' "
                + "AND analyser_version = 'tunetrail-audio-1' AND sha256 IS NOT NULL");
        assertThat(tempo).containsOnlyKeys("tr-120", "tr-90");
        assertThat(tempo.get("tr-120")).isCloseTo(120, within(1.2));
        assertThat(tempo.get("tr-90")).isCloseTo(90, within(0.9));
        assertThat(query("SELECT track_id, vector_dims(embedding)::float8 FROM audio_embeddings WHERE org_id = 'acme'"))
                .containsEntry("tr-120", 512.0).containsEntry("tr-90", 512.0).hasSize(2);
        Map<String, Double> sizes = query("SELECT track_id, size_bytes::float8 FROM track_audio WHERE org_id = 'acme'");
        assertThat(sizes).containsOnlyKeys("tr-120", "tr-90");
        assertThat(sizes.get("tr-90")).isEqualTo((double) Files.size(dir.resolve("tr-90.wav")));
        String key = string("SELECT object_key FROM track_audio WHERE org_id = 'acme' AND track_id = 'tr-90'");
        assertThat(home.resolve("audio").resolve(key)).as("kept in the audio store under the org").hasSameBinaryContentAs(dir.resolve("tr-90.wav"));
        assertThat(string("SELECT a.object_key FROM audio_analyses a WHERE org_id = 'acme' AND track_id = 'tr-90'")).isEqualTo(key);
        assertThat(query("SELECT track_id, 1 FROM track_audio WHERE org_id = 'other'")).isEmpty();
        // The run's analysis CPU time (the refused file's too) is one cost row of the org.
        assertThat(s.get("cpu_seconds").asDouble()).isGreaterThan(0);
        Map<String, Double> cost = query("SELECT details->>'source', cpu_seconds FROM usage_costs WHERE org_id = 'acme' AND kind = 'audio_analysis'");
        assertThat(cost).containsOnlyKeys("cli_analyze");
        assertThat(cost.get("cli_analyze")).isCloseTo(s.get("cpu_seconds").asDouble(), within(0.001));
        assertThat(s.get("cost_usd").asDouble()).isGreaterThan(0);
    }

    @Test
    @Order(2)
    void aSecondRunOverTheSameAudioAnalysesNothingAndExitsZero() throws Exception {
        Path dir = Files.createDirectories(home.resolve("again"));
        Files.write(dir.resolve("tr-120.wav"), ClickTracks.wav(120, 8, 1000));
        Files.write(dir.resolve("tr-90.wav"), ClickTracks.wav(90, 8, 2500));

        Run run = tunetrail("analyze", "--dir", dir.toString(), "--org", "acme");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.summary().get("analysed").asInt()).isZero();
        assertThat(run.summary().get("already_analysed").asInt()).isEqualTo(2);
        assertThat(query("SELECT track_id, count(*)::float8 FROM audio_analyses WHERE org_id = 'acme' GROUP BY track_id"))
                .containsEntry("tr-120", 1.0).containsEntry("tr-90", 1.0);

        Run forced = tunetrail("analyze", "--dir", dir.toString(), "--org", "acme", "--force", "--threads", "1");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.summary().get("analysed").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void matchesByTheIsrcInAFlacsTagsAndAnalysesASharedClip() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "ffmpeg is not installed (./tunetrail setup installs it)");
        Path dir = Files.createDirectories(home.resolve("tagged"));
        Path wav = dir.resolve("source.wav.tmp");
        Files.write(wav, ClickTracks.wav(140, 8, 1500));
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "wav", "-i", wav.toString(),
                "-metadata", "ISRC=GB-AYE-26-00001", dir.resolve("some name.flac").toString()).inheritIO().start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).as("ffmpeg encoded the FLAC").isTrue();
        Files.delete(wav);

        Run run = tunetrail("analyze", "--dir", dir.toString(), "--org", "acme", "--match-by", "isrc");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(query("SELECT track_id, (features->>'tempo')::float8 FROM audio_analyses WHERE org_id = 'acme' AND track_id = 'tr-isrc'"))
                .hasEntrySatisfying("tr-isrc", t -> assertThat(t).isCloseTo(140, within(1.4)));

        Path clip = SHARED_CLIPS.resolve("hobbs-lets-go-fishin.ogg");
        assumeTrue(Files.isRegularFile(clip), "the shared clips are not at " + SHARED_CLIPS.toAbsolutePath());
        Path clips = Files.createDirectories(home.resolve("clips"));
        Files.copy(clip, clips.resolve("tr-clip.ogg"));
        Run shared = tunetrail("analyze", "--dir", clips.toString(), "--org", "acme");
        assertThat(shared.exit()).as(shared.out() + shared.err()).isZero();
        assertThat(query("SELECT track_id, duration_ms::float8 FROM audio_analyses WHERE org_id = 'acme' AND track_id = 'tr-clip'"))
                .hasEntrySatisfying("tr-clip", ms -> assertThat(ms).isGreaterThan(10_000));
    }

    @Test
    @Order(4)
    void badFlagsExitTwoWithOneLineAndTouchNothing() throws Exception {
        Path dir = Files.createDirectories(home.resolve("bad"));
        Files.write(dir.resolve("tr-120.wav"), ClickTracks.wav(120, 2, 1000));
        double before = query("SELECT 'n', count(*)::float8 FROM audio_analyses").get("n");

        Run matchBy = tunetrail("analyze", "--dir", dir.toString(), "--org", "acme", "--match-by", "title");
        assertThat(matchBy.exit()).isEqualTo(2);
        assertThat(matchBy.err().strip()).isEqualTo("tunetrail analyze: --match-by 'title' is not a way to match. Use filename or isrc");
        Run noDir = tunetrail("analyze", "--dir", dir.resolve("missing").toString(), "--org", "acme");
        assertThat(noDir.exit()).isEqualTo(2);
        assertThat(noDir.err()).contains("is not a folder").hasLineCount(1);
        Run noOrg = tunetrail("analyze", "--dir", dir.toString(), "--org", "nobody");
        assertThat(noOrg.exit()).isEqualTo(2);
        assertThat(noOrg.err()).contains("there is no org 'nobody'").hasLineCount(1);
        Run threads = tunetrail("analyze", "--dir", dir.toString(), "--org", "acme", "--threads", "0");
        assertThat(threads.exit()).isEqualTo(2);
        assertThat(threads.err()).contains("--threads 0 is outside 1..256");
        Run missing = tunetrail("analyze", "--org", "acme");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--dir=DIR'");

        assertThat(query("SELECT 'n', count(*)::float8 FROM audio_analyses").get("n")).isEqualTo(before);
    }

    private static Map<String, Double> query(String sql) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getDouble(2));
            }
        }
        return out;
    }

    private static String string(String sql) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
