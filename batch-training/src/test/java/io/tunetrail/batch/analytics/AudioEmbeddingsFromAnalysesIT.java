package io.tunetrail.batch.analytics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.vector.PgVectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audio-embeddings job on a small lake where two tracks get analyses: those two are embedded from the analysed
 * features (source audio_analysis, with the analyser version) and move; every other track keeps its feature-only
 * vector; a second run changes nothing.
 */
class AudioEmbeddingsFromAnalysesIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final String ANALYSER = "test-analyser-1";
    private static SparkSession spark;
    private static Path store;
    private static String org;

    @BeforeAll
    static void smallLake() throws Exception {
        spark = LocalSpark.get();
        store = Files.createTempDirectory("embeddings-from-analyses-it");
        GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-02T00:00:00Z")).withScale(0.05).withOrgs(1);
        new SyntheticLake(spark, new OfflineTables(spark, store.toString())).load(settings, o -> o, DB.dataSource());
        org = strings("SELECT org_id FROM organisations WHERE org_id IN (SELECT org_id FROM tracks) ORDER BY org_id LIMIT 1").get(0);
    }

    @AfterAll
    static void deleteStore() throws Exception {
        if (store != null) {
            try (var paths = Files.walk(store)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void analysedTracksAreEmbeddedFromTheirAnalysisAndNothingElseMoves() throws Exception {
        run();
        Map<String, float[]> featureOnly = vectors();
        assertThat(featureOnly).hasSizeGreaterThan(10);
        assertThat(sources().values()).containsOnly("catalog_features/null");

        List<String> analysed = strings("SELECT track_id FROM tracks WHERE org_id = '" + org + "' ORDER BY track_id LIMIT 2");
        // Features far from what the catalog says of these tracks (the generator's are moderate), as an analysis of
        // loud, fast, spoken audio would give.
        analyse(analysed.get(0), "{\"tempo\": 190.0, \"loudness\": -2.0, \"energy\": 0.99, \"danceability\": 0.05, \"valence\": 0.02, "
                + "\"acousticness\": 0.0, \"instrumentalness\": 0.0, \"liveness\": 0.95, \"speechiness\": 0.97, \"mode\": 0, \"key\": 3}");
        analyse(analysed.get(1), "{\"tempo\": 60.0, \"loudness\": -35.0, \"energy\": 0.01, \"danceability\": 0.98, \"valence\": 0.99, "
                + "\"acousticness\": 1.0, \"instrumentalness\": 1.0, \"liveness\": 0.0, \"speechiness\": 0.0, \"mode\": 1, \"key\": 9}");

        run();
        Map<String, float[]> withAnalyses = vectors();
        Map<String, String> sources = sources();
        assertThat(withAnalyses.keySet()).isEqualTo(featureOnly.keySet());
        for (String track : featureOnly.keySet()) {
            if (analysed.contains(track)) {
                assertThat(sources.get(track)).isEqualTo("audio_analysis/" + ANALYSER);
                assertThat(cosine(withAnalyses.get(track), featureOnly.get(track))).as(track + " moved").isLessThan(0.95);
            } else {
                assertThat(sources.get(track)).isEqualTo("catalog_features/null");
                assertThat(maxDifference(withAnalyses.get(track), featureOnly.get(track))).as(track + " unchanged").isLessThan(1e-4);
            }
        }
        List<Row> delta = spark.read().format("delta").load(new OfflineTables(spark, store.toString()).location("audio_embeddings"))
                .filter(col("org_id").equalTo(org).and(col("source").equalTo("audio_analysis"))).select("track_id", "analyser_version")
                .distinct().collectAsList();
        assertThat(delta).extracting(r -> r.getString(0) + "/" + r.getString(1))
                .containsExactlyInAnyOrder(analysed.get(0) + "/" + ANALYSER, analysed.get(1) + "/" + ANALYSER);

        run();
        Map<String, float[]> again = vectors();
        assertThat(sources()).as("a second run").isEqualTo(sources);
        for (String track : again.keySet()) {
            assertThat(maxDifference(again.get(track), withAnalyses.get(track))).as(track + " again").isLessThan(1e-4);
        }
    }

    private static void run() {
        try (NightlyContext ctx = NightlyContext.builder(spark, DB.config()).storeRoot(store.toString()).dataSource(DB.dataSource()).build()) {
            new AudioEmbeddingsJob().run(ctx);
        }
    }

    private static void analyse(String track, String features) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO audio_analyses "
                + "(org_id, analysis_id, track_id, analyser_version, features, document, duration_ms, object_key) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, '{}'::jsonb, 30000, ?)")) {
            ps.setString(1, org);
            ps.setString(2, "an-" + track);
            ps.setString(3, track);
            ps.setString(4, ANALYSER);
            ps.setString(5, features);
            ps.setString(6, org + "/" + track + ".wav");
            ps.executeUpdate();
        }
    }

    private static Map<String, float[]> vectors() {
        PgVectorStore pg = new PgVectorStore(DB.dataSource());
        Map<String, float[]> out = new TreeMap<>();
        for (String track : strings("SELECT track_id FROM track_embeddings WHERE org_id = '" + org + "'")) {
            out.put(track, pg.embedding(org, track).orElseThrow().vector());
        }
        return out;
    }

    private static Map<String, String> sources() {
        Map<String, String> out = new TreeMap<>();
        for (String s : strings("SELECT track_id || ' ' || source || '/' || coalesce(analyser_version, 'null') FROM track_embeddings "
                + "WHERE org_id = '" + org + "'")) {
            out.put(s.substring(0, s.indexOf(' ')), s.substring(s.indexOf(' ') + 1));
        }
        return out;
    }

    private static List<String> strings(String sql) {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
