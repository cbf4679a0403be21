package io.tunetrail.batch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog-snapshot job from a real PostgreSQL catalog: the three dimensions written, a second run on the unchanged
 * catalog writes nothing, a renamed artist and a re-scored track get new versions that plays can be joined to by time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogSnapshotIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    @TempDir
    static Path store;

    private static SparkSession spark;
    private static PlatformConfig config;

    @BeforeAll
    static void catalog() throws Exception {
        spark = LocalSpark.get();
        config = TestStack.config(Map.of(PlatformConfig.POSTGRES_DATABASE.name(), DB.name()));
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('acme', 'Acme', 'pro'), ('beta', 'Beta', 'starter')");
        DB.execute("INSERT INTO artists (org_id, artist_id, name) VALUES ('acme', 'ar-1', 'The Ones'), ('beta', 'ar-1', 'Beta Band')");
        DB.execute("INSERT INTO genres (org_id, genre_id, name) VALUES ('acme', 'rock', 'Rock'), ('acme', 'pop', 'Pop')");
        DB.execute("INSERT INTO tracks (org_id, track_id, title, artist_id, duration_ms, popularity) VALUES "
                + "('acme', 'tr-1', 'First', 'ar-1', 200000, 40), ('acme', 'tr-2', 'Second', NULL, 180000, 10), "
                + "('beta', 'tr-1', 'Other', 'ar-1', 150000, 70)");
        DB.execute("INSERT INTO track_genres (org_id, track_id, genre_id, position) VALUES ('acme', 'tr-1', 'pop', 1), ('acme', 'tr-1', 'rock', 0)");
        DB.execute("INSERT INTO audio_features (org_id, track_id, tempo, key, mode, time_signature, loudness, energy, danceability, "
                + "valence, acousticness, instrumentalness, liveness, speechiness, duration_ms) VALUES "
                + "('acme', 'tr-1', 120.5, 5, 1, 4, -7.5, 0.8, 0.6, 0.4, 0.1, 0.0, 0.2, 0.05, 200000)");
    }

    private static JobResult run(String at) {
        try (NightlyContext ctx = NightlyContext.builder(spark, config).storeRoot(store.toString()).dataSource(DB.dataSource())
                .clock(Clock.fixed(Instant.parse(at), ZoneOffset.UTC)).build()) {
            return new NightlyChain(List.of(NightlyJobs.byName(CatalogSnapshotJob.NAME))).run(ctx).job(CatalogSnapshotJob.NAME);
        }
    }

    private static List<String> rows(String sql) {
        OfflineTables tables = new OfflineTables(spark, store.toString());
        for (String t : List.of("catalog_tracks", "catalog_artists", "track_audio_features")) {
            spark.read().format("delta").load(tables.location(t)).createOrReplaceTempView(t);
        }
        return spark.sql(sql).collectAsList().stream().map(r -> r.mkString(" ")).toList();
    }

    @Test
    @Order(1)
    void theFirstRunWritesEveryRowAsItsFirstVersion() {
        JobResult r = run("2026-03-01T02:00:00Z");

        assertThat(r.figures().get("catalog_tracks")).isEqualTo(Map.of("added", 3L, "changed", 0L, "closed", 0L));
        assertThat(r.figures().get("catalog_artists")).isEqualTo(Map.of("added", 2L, "changed", 0L, "closed", 0L));
        assertThat(r.figures().get("track_audio_features")).isEqualTo(Map.of("added", 1L, "changed", 0L, "closed", 0L));
        assertThat(rows("SELECT org_id, track_id, artist_id, popularity, concat_ws(',', genre_ids), is_current FROM catalog_tracks "
                + "ORDER BY org_id, track_id")).containsExactly("acme tr-1 ar-1 40 rock,pop true", "acme tr-2 null 10  true",
                "beta tr-1 ar-1 70  true");
        assertThat(rows("SELECT track_id, tempo, key, time_signature FROM track_audio_features")).containsExactly("tr-1 120.5 5 4");
    }

    @Test
    @Order(2)
    void aSecondRunOnTheSameCatalogAddsNoVersionAndNoCommit() {
        JobResult before = run("2026-03-01T03:00:00Z");
        JobResult again = run("2026-03-02T02:00:00Z");

        for (String t : List.of("catalog_tracks", "catalog_artists", "track_audio_features")) {
            assertThat(again.figures().get(t)).as(t).isEqualTo(Map.of("added", 0L, "changed", 0L, "closed", 0L));
            assertThat(again.outputVersions().get(t)).as(t + " Delta version").isEqualTo(before.outputVersions().get(t));
        }
        assertThat(rows("SELECT count(*) FROM catalog_tracks")).containsExactly("3");
    }

    @Test
    @Order(3)
    void aChangedTrackAndArtistGetNewVersionsAndPlaysJoinToTheVersionOfTheirTime() throws Exception {
        DB.execute("UPDATE tracks SET popularity = 90 WHERE org_id = 'acme' AND track_id = 'tr-1'");
        DB.execute("UPDATE artists SET name = 'The Ones (remastered)' WHERE org_id = 'acme'");

        JobResult r = run("2026-03-05T02:00:00Z");

        assertThat(r.figures().get("catalog_tracks")).isEqualTo(Map.of("added", 0L, "changed", 1L, "closed", 0L));
        assertThat(r.figures().get("catalog_artists")).isEqualTo(Map.of("added", 0L, "changed", 1L, "closed", 0L));
        assertThat(rows("SELECT popularity, string(valid_from), string(valid_to), is_current FROM catalog_tracks "
                + "WHERE org_id = 'acme' AND track_id = 'tr-1' ORDER BY valid_from")).containsExactly(
                "40 1970-01-01 00:00:00 2026-03-05 02:00:00 false", "90 2026-03-05 02:00:00 null true");
        // what tr-1 was when each play happened
        assertThat(rows("SELECT string(p.at), t.popularity, a.name FROM (SELECT timestamp'2026-03-04 12:00:00' AS at UNION ALL "
                + "SELECT timestamp'2026-03-06 12:00:00') p "
                + "JOIN catalog_tracks t ON t.org_id = 'acme' AND t.track_id = 'tr-1' AND p.at >= t.valid_from "
                + "AND (t.valid_to IS NULL OR p.at < t.valid_to) "
                + "JOIN catalog_artists a ON a.org_id = t.org_id AND a.artist_id = t.artist_id AND p.at >= a.valid_from "
                + "AND (a.valid_to IS NULL OR p.at < a.valid_to) ORDER BY p.at")).containsExactly(
                "2026-03-04 12:00:00 40 The Ones", "2026-03-06 12:00:00 90 The Ones (remastered)");
    }
}
