package io.tunetrail.batch.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.tunetrail.batch.land.UsageLedgerPublisher;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SmallChain;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality checks on a small world (one org's week of events and its catalog, a week of daily usage and the
 * ledger the lander publishes from it) in a fresh database and offline store: everything passes and is recorded; then
 * each kind of damage fails its own check, by name, and is undone (Delta restore, the ledger republished).
 */
class DataQualityIT {
    @RegisterExtension
    static final FreshDatabase db = new FreshDatabase();

    private static final StructType USAGE_DAILY = new StructType().add("org_id", DataTypes.StringType)
            .add("api_key_id", DataTypes.StringType).add("resource", DataTypes.StringType)
            .add("window_start", DataTypes.TimestampType).add("window_end", DataTypes.TimestampType)
            .add("usage_date", DataTypes.DateType).add("units", DataTypes.LongType).add("events", DataTypes.LongType);

    @TempDir
    static Path store;

    private static SparkSession spark;
    private static PlatformConfig config;
    private static OfflineTables tables;
    private static String org;
    private static long interactionsVersion;

    @BeforeAll
    static void aSmallWorld() {
        spark = LocalSpark.get();
        config = SmallChain.config(db, store, Map.of());
        tables = new OfflineTables(spark, store.toString());
        GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-08T00:00:00Z"))
                .withScale(0.02).withOrgs(1).withSpan(Instant.parse("2026-03-08T00:00:00Z"), 7);
        org = new SyntheticLake(spark, tables).load(settings, id -> "dq-" + id, db.dataSource()).orgIds().get(0);
        interactionsVersion = tables.version("interactions");
        List<Row> usage = new ArrayList<>();
        for (int day = 1; day <= 7; day++) {
            Instant start = Instant.parse("2026-03-01T00:00:00Z").plus(Duration.ofDays(day - 1));
            usage.add(RowFactory.create(org, null, "interactions", Timestamp.from(start), Timestamp.from(start.plus(Duration.ofDays(1))),
                    Date.valueOf(start.atZone(ZoneOffset.UTC).toLocalDate()), 100L * day, 10L * day));
        }
        spark.createDataFrame(usage, USAGE_DAILY).write().format("delta").mode(SaveMode.Overwrite)
                .partitionBy("org_id", "usage_date").save(tables.location("usage_daily"));
        publishLedger();
    }

    private static void publishLedger() {
        // As the lander does: the month is marked owed a recomputation, then published from usage_daily.
        new io.tunetrail.store.usage.LedgerDirtyMonths(db.dataSource(), tables.location("usage_daily"))
                .mark(List.of(new io.tunetrail.store.usage.OrgMonth(org, java.time.LocalDate.of(2026, 3, 1))));
        new UsageLedgerPublisher(spark, db.dataSource()).publishPending(tables.location("usage_daily"));
    }

    /** Each test damages the world its own way; this undoes it and forgets the results, so the next starts clean. */
    @AfterEach
    void undoTheDamage() throws SQLException {
        if (tables.version("interactions") != interactionsVersion) {
            DeltaTable.forPath(spark, tables.location("interactions")).restoreToVersion(interactionsVersion);
        }
        publishLedger();
        db.execute("DELETE FROM data_quality_results");
    }

    private DataQuality.Report run(Clock clock, String... only) {
        QualityContext ctx = new QualityContext(spark, config, tables, db.dataSource(), clock);
        List<QualityCheck> checks = only.length == 0 ? QualityChecks.ALL : List.of(only).stream().map(QualityChecks::byName).toList();
        return new DataQuality(ctx, line -> {}).run(checks);
    }

    private static Clock now() {
        return Clock.systemUTC();
    }

    @Test
    void aHealthyWorldPassesEveryCheckAndRecordsEachResult() throws SQLException {
        DataQuality.Report report = run(now());
        assertThat(report.failedChecks()).isEmpty();
        assertThat(report.results()).extracting(CheckResult::check).contains("freshness", "row_counts", "nulls", "ranges",
                "referential", "ledger");
        CheckResult ledger = report.results().stream().filter(r -> r.check().equals("ledger")).findFirst().orElseThrow();
        assertThat(ledger.detail()).startsWith("0 of 8 ledger rows differ");
        assertThat(count("SELECT count(*) FROM data_quality_results WHERE run_id = '" + report.runId() + "'"))
                .isEqualTo(report.results().size());
        DataQuality.requirePassed(report);
    }

    @Test
    void aLedgerThatDisagreesWithUsageDailyFailsTheLedgerCheckOnly() throws SQLException {
        db.execute("UPDATE usage_ledger SET units = units + 1 WHERE period = 'day' AND period_start = '2026-03-03'");
        DataQuality.Report report = run(now(), "ledger", "row_counts");
        assertThat(report.failedChecks()).containsExactly("ledger");
        assertThatThrownBy(() -> DataQuality.requirePassed(report)).hasMessageStartingWith("quality check ledger failed")
                .hasMessageContaining("1 of 8 ledger rows differ").hasMessageContaining("ledger 301, usage_daily 300");
    }

    @Test
    void eventsOfTracksMissingFromTheCatalogFailTheReferentialCheck() {
        Dataset<Row> one = spark.read().format("delta").load(tables.location("interactions")).limit(3)
                .withColumn("track_id", lit("no-such-track"));
        one.write().format("delta").mode(SaveMode.Append).save(tables.location("interactions"));
        DataQuality.Report report = run(now(), "referential");
        assertThat(report.failedChecks()).containsExactly("referential");
        assertThat(report.results().get(0).observed()).isPositive();
        assertThat(report.results().get(0).detail()).contains("no-such-track");
    }

    @Test
    void negativeDurationsAndNullsFailTheirChecks() {
        Dataset<Row> bad = spark.read().format("delta").load(tables.location("interactions")).limit(2)
                .withColumn("played_ms", lit(-5L)).withColumn("user_id", lit(null).cast("string"));
        bad.write().format("delta").mode(SaveMode.Append).save(tables.location("interactions"));
        DataQuality.Report report = run(now(), "nulls", "ranges");
        assertThat(report.failedChecks()).containsExactly("nulls", "ranges");
        assertThat(report.results()).filteredOn(r -> !r.passed()).extracting(CheckResult::detail)
                .anySatisfy(d -> assertThat(d).contains("2 rows with user_id null"))
                .anySatisfy(d -> assertThat(d).contains("2 rows with played_ms < 0"));
    }

    @Test
    void rowsLostSinceThePreviousRunFailTheRowCountCheck() {
        assertThat(run(now(), "row_counts").failedChecks()).isEmpty();
        DeltaTable.forPath(spark, tables.location("interactions")).delete(col("event_date").equalTo(lit("2026-03-02")));
        DataQuality.Report second = run(now(), "row_counts");
        assertThat(second.failedChecks()).containsExactly("row_counts");
        assertThat(second.results()).filteredOn(r -> !r.passed()).extracting(CheckResult::subject).containsExactly("delta:interactions");
    }

    @Test
    void aTableNotLandedForLongerThanTheLimitFailsFreshness() {
        Clock twoDaysLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(50));
        DataQuality.Report report = run(twoDaysLater, "freshness");
        assertThat(report.failedChecks()).containsExactly("freshness");
        assertThat(run(now(), "freshness").failedChecks()).isEmpty();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
