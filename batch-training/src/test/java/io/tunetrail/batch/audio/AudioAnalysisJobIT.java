package io.tunetrail.batch.audio;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.TrackAudioStore;
import io.tunetrail.store.testing.ClickTracks;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly audio-analysis job on a small lake and catalog: click tracks of known tempo registered for tracks of two
 * orgs (one already analysed through the API's tables, one truncated), analysed into Delta and PostgreSQL; a second
 * run analyses nothing; an older analyser version and re-registered bytes are analysed again, the refused file is not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AudioAnalysisJobIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    static Path home;

    private static SparkSession spark;
    private static PlatformConfig config;
    private static TrackAudioStore tracks;

    @BeforeAll
    static void catalogAndAudio() throws Exception {
        spark = LocalSpark.get();
        config = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), DB.name(),
                PlatformConfig.API_AUDIO_STORE_DIR.name(), home.resolve("audio").toString()));
        tracks = new TrackAudioStore(DB.dataSource());
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('acme', 'Acme', 'pro'), ('beta', 'Beta', 'starter')");
        DB.execute("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES ('acme', 'tr-100', 'a', 8000, 1), "
                + "('acme', 'tr-150', 'b', 8000, 1), ('acme', 'tr-api', 'c', 8000, 1), ('acme', 'tr-broken', 'd', 8000, 1), "
                + "('beta', 'tr-100', 'same id, other org', 8000, 1)");
        register("acme", "tr-100", ClickTracks.wav(100, 8, 1000));
        register("acme", "tr-150", ClickTracks.wav(150, 8, 2000));
        register("acme", "tr-broken", ClickTracks.truncatedWav());
        register("beta", "tr-100", ClickTracks.wav(75, 8, 700));
        // Analysed already (as the API or ./tunetrail analyze would have): the job must leave it alone.
        byte[] api = ClickTracks.wav(120, 8, 1500);
        String key = register("acme", "tr-api", api);
        TrackAudioAnalyser.Outcome o = new TrackAudioAnalyser(new AudioAnalyser(), AudioLimits.DEFAULT).analyse("acme", "tr-api", key, api);
        new AudioAnalysisWriter(DB.dataSource()).insert(o.analysis());
    }

    private static String register(String org, String track, byte[] audio) throws Exception {
        String key = org + "/track_" + track + ".wav";
        Path file = home.resolve("audio").resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, audio);
        tracks.register(new TrackAudioStore.TrackAudio(org, track, key, TrackAudioAnalyser.sha256(audio), audio.length));
        return key;
    }

    private static JobResult run() {
        try (NightlyContext ctx = NightlyContext.builder(spark, config).storeRoot(home.resolve("lake").toString())
                .dataSource(DB.dataSource()).build()) {
            return new NightlyChain(List.of(NightlyJobs.byName(AudioAnalysisJob.NAME))).run(ctx).job(AudioAnalysisJob.NAME);
        }
    }

    private static Dataset<Row> delta() {
        return spark.read().format("delta").load(OfflineStoreLayout.load().table("audio_analyses").location(home.resolve("lake").toString()));
    }

    @Test
    @Order(1)
    void analysesEveryRegisteredTrackWithoutAnAnalysisIntoDeltaAndPostgres() throws Exception {
        JobResult r = run();

        assertThat(r.figures()).containsEntry("pending", 4L).containsEntry("analysed", 3L).containsEntry("refused", 1L)
                .containsEntry("analyser_version", AudioAnalyser.VERSION);
        assertThat(r.figures().get("analysed_per_org")).isEqualTo(Map.of("acme", 2L, "beta", 1L));
        assertThat(r.figures().get("refusals")).isEqualTo(Map.of("undecodable", 1L));
        Dataset<Row> d = delta();
        assertThat(d.count()).isEqualTo(4);
        assertThat(d.filter(col("status").equalTo("refused")).select("org_id", "track_id", "refusal").collectAsList())
                .singleElement().hasToString("[acme,tr-broken,undecodable]");
        Row beta = d.filter(col("org_id").equalTo("beta")).first();
        assertThat(beta.<Double>getAs("tempo")).isCloseTo(75, within(0.75));
        assertThat(beta.<scala.collection.Seq<Float>>getAs("embedding").size()).isEqualTo(512);
        assertThat(r.outputVersions()).containsKey("audio_analyses");

        Map<String, Double> tempo = query("SELECT org_id || '/' || track_id, (features->>'tempo')::float8 FROM audio_analyses "
                + "WHERE sha256 IS NOT NULL");
        assertThat(tempo).containsOnlyKeys("acme/tr-100", "acme/tr-150", "acme/tr-api", "beta/tr-100");
        assertThat(tempo.get("acme/tr-100")).isCloseTo(100, within(1.0));
        assertThat(tempo.get("acme/tr-150")).isCloseTo(150, within(1.5));
        assertThat(tempo.get("beta/tr-100")).isCloseTo(75, within(0.75));
        assertThat(query("SELECT a.org_id || '/' || a.track_id, vector_dims(e.embedding)::float8 FROM audio_analyses a "
                + "JOIN audio_embeddings e USING (org_id, analysis_id)")).hasSize(4).allSatisfy((k, v) -> assertThat(v).isEqualTo(512.0));
        String deltaId = d.filter(col("org_id").equalTo("beta")).first().getAs("analysis_id");
        assertThat(query("SELECT analysis_id, 1 FROM audio_analyses WHERE org_id = 'beta'")).containsOnlyKeys(deltaId);
    }

    @Test
    @Order(2)
    void aSecondRunAnalysesNothing() throws Exception {
        long version = deltaVersion();
        JobResult r = run();
        assertThat(r.figures()).containsEntry("pending", 0L).containsEntry("analysed", 0L);
        assertThat(deltaVersion()).as("no commit").isEqualTo(version);
        assertThat(query("SELECT 'n', count(*)::float8 FROM audio_analyses")).containsEntry("n", 4.0);
    }

    @Test
    @Order(3)
    void anOlderAnalyserVersionAndReRegisteredAudioAreAnalysedAgainTheRefusedFileIsNot() throws Exception {
        DB.execute("UPDATE audio_analyses SET analyser_version = 'tunetrail-audio-0' WHERE org_id = 'acme' AND track_id = 'tr-api'");
        register("acme", "tr-150", ClickTracks.wav(132, 8, 2000));

        JobResult r = run();

        assertThat(r.figures()).as(() -> delta().filter(col("status").equalTo("refused")).select("track_id", "message").collectAsList().toString())
                .containsEntry("pending", 2L).containsEntry("analysed", 2L).containsEntry("refused", 0L);
        Map<String, Double> current = query("SELECT track_id, (features->>'tempo')::float8 FROM audio_analyses a WHERE org_id = 'acme' "
                + "AND analyser_version = '" + AudioAnalyser.VERSION + "' AND created_at = (SELECT max(created_at) FROM audio_analyses b "
                + "WHERE b.org_id = a.org_id AND b.track_id = a.track_id)");
        assertThat(current.get("tr-api")).isCloseTo(120, within(1.2));
        assertThat(current.get("tr-150")).as("the new bytes' tempo").isCloseTo(132, within(1.32));
        assertThat(delta().filter(col("track_id").equalTo("tr-broken")).count()).as("refused once, not retried").isEqualTo(1);
    }

    private static long deltaVersion() {
        return io.delta.tables.DeltaTable.forPath(spark, OfflineStoreLayout.load().table("audio_analyses").location(home.resolve("lake").toString()))
                .history(1).select("version").first().getLong(0);
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
}
