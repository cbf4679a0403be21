package io.tunetrail.batch.nightly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunetrail.batch.analytics.TemporalPatternsJob;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SmallChain;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --as-of DAY}: a week of one org's events landed in two commits, the first "on" 2026-03-04 (its commit file's
 * modification time, which is the commit time Delta's time travel goes by) with the events up to noon that day, the
 * second later with the rest. A run as of 2026-03-04 reads only the first commit, and twice gives the same rows; a run
 * without it reads everything.
 */
class AsOfIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static final LocalDate DAY = LocalDate.of(2026, 3, 4);
    private static final Instant FIRST_LANDING = Instant.parse("2026-03-04T12:00:00Z");

    @TempDir
    static Path staging;
    @TempDir
    static Path store;

    private static SparkSession spark;
    private static PlatformConfig config;
    private static long firstCount;
    private static long allCount;

    @BeforeAll
    static void landAWeekInTwoCommits() throws IOException {
        spark = LocalSpark.get();
        config = SmallChain.config(DB, store, Map.of());
        GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-08T00:00:00Z"))
                .withScale(0.05).withOrgs(1).withSpan(Instant.parse("2026-03-08T00:00:00Z"), 7);
        new SyntheticLake(spark, new OfflineTables(spark, staging.toString())).load(settings, id -> "asof-" + id, DB.dataSource());
        OfflineTables target = new OfflineTables(spark, store.toString());
        Dataset<Row> week = spark.read().format("delta").load(new OfflineTables(spark, staging.toString()).location("interactions"));
        Dataset<Row> early = week.filter(col("event_time").lt(lit(Timestamp.from(FIRST_LANDING))));
        append(early, target);
        Path firstCommit = Path.of(target.location("interactions"), "_delta_log", "00000000000000000000.json");
        Files.setLastModifiedTime(firstCommit, FileTime.from(FIRST_LANDING.plusSeconds(600)));
        append(week.filter(col("event_time").geq(lit(Timestamp.from(FIRST_LANDING)))), target);
        firstCount = early.count();
        allCount = week.count();
        assertThat(firstCount).isPositive().isLessThan(allCount);
    }

    private static void append(Dataset<Row> rows, OfflineTables tables) {
        rows.write().format("delta").mode(SaveMode.Append).partitionBy("org_id", "event_date").save(tables.location("interactions"));
    }

    private static NightlyContext context(LocalDate asOf) {
        return NightlyContext.builder(spark, config).storeRoot(store.toString()).dataSource(DB.dataSource()).asOf(asOf).build();
    }

    /** The job's top_tracks rows of the version it wrote, without the columns that name the version and the run. */
    private static Dataset<Row> topTracks(LocalDate asOf) {
        try (NightlyContext ctx = context(asOf)) {
            JobResult result = new NightlyChain(List.of(new TemporalPatternsJob())).run(ctx).jobs().get(0);
            String org = ctx.orgs().get(0);
            return spark.read().format("delta").load(ctx.tables().location("top_tracks"))
                    .filter(col("org_id").equalTo(org).and(col("model_version").equalTo(result.modelVersions().get(org))))
                    .drop("org_id", "model_version", "run_id").cache();
        }
    }

    @Test
    void aRunAsOfADayReadsTheSnapshotOfThatDayAndIgnoresLaterLandings() {
        try (NightlyContext ctx = context(DAY)) {
            DeltaInput read = ctx.interactions();
            assertThat(read.version()).isZero();
            assertThat(read.rows().count()).isEqualTo(firstCount);
            assertThat(ctx.clock().instant()).isEqualTo(Instant.parse("2026-03-05T00:00:00Z"));
            assertThat(ctx.inputSnapshot(read)).containsEntry("as_of", "2026-03-04").containsEntry("interactions_delta_version", 0L);
        }
        try (NightlyContext ctx = context(null)) {
            assertThat(ctx.interactions().version()).isEqualTo(1);
            assertThat(ctx.interactions().rows().count()).isEqualTo(allCount);
        }
    }

    @Test
    void aReRunAsOfTheSameDayGivesTheSameRows() {
        // Reading the first commit only is shown above; two runs could agree trivially only if they read nothing.
        Dataset<Row> first = topTracks(DAY);
        Dataset<Row> again = topTracks(DAY);
        assertThat(first.count()).isPositive();
        LocalSpark.assertSameRows(first, again);
    }

    @Test
    void aDayBeforeTheFirstCommitIsRefusedSayingWhy() {
        try (NightlyContext ctx = context(LocalDate.of(2026, 3, 1))) {
            assertThatThrownBy(ctx::interactions).hasMessageContaining("had no version yet").hasMessageContaining("later --as-of");
        }
    }
}
