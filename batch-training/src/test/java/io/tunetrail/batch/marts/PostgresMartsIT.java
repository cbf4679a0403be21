package io.tunetrail.batch.marts;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.delta.tables.DeltaTable;
import io.tunetrail.batch.costs.StorageMeter;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.PostgresQuery;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SmallChain;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.store.costs.CapThresholds;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.online.RedisKeys;
import io.tunetrail.store.registry.ModelRegistry;
import io.tunetrail.store.registry.ModelVersion;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.store.usage.ApiRefusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marts read from PostgreSQL, on a hand-built database whose figures are worked out below: revenue per plan
 * (paying orgs by subscription status, MRR at list price, the month's ledger units), costs per org, day and kind, and
 * the API's refusals beside the metered usage per key and day; and the A/B arms' nightly snapshots, with feedback
 * counters set in Redis (a running experiment of two weighted arms, a stopped one, a running canary whose active
 * version had feedback before it started).
 */
class PostgresMartsIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @TempDir
    static Path home;

    static final Instant DAY_1 = Instant.parse("2026-12-01T03:00:00Z");
    static final Instant DAY_2 = Instant.parse("2026-12-02T03:00:00Z");
    /** The A/B tests' orgs: a running experiment and a stopped one; a running canary. */
    static String abOrg;
    static String canaryOrg;

    static final YearMonth DECEMBER = YearMonth.of(2026, 12);
    static String s1;
    static String p2;
    /** The storage test's orgs, which store audio and offline rows. */
    static String storing;
    static String storingToo;

    @BeforeAll
    static void seed() throws Exception {
        // starter: active and past_due pay, canceled does not; pro: trialing does not, active does; free and the
        // community edition never pay.
        s1 = org("starter", "active", 1);
        org("starter", "past_due", 2);
        String s3 = org("starter", "canceled", 3);
        org("pro", "trialing", 4);
        p2 = org("pro", "active", 5);
        org("free", null, 6);
        String c1 = org("community", null, 7);
        DB.execute("UPDATE organisations SET edition = 'community' WHERE org_id = '" + c1 + "'");

        ledger(s1, "api_calls", "month", "2026-12-01", 1000);
        ledger(s1, "audio_analysis", "month", "2026-12-01", 5);
        ledger(s3, "api_calls", "month", "2026-12-01", 200);
        ledger(p2, "api_calls", "month", "2026-12-01", 7000);
        // Not December's month total: another month, and a day row.
        ledger(s1, "api_calls", "month", "2026-11-01", 999);
        ledger(s1, "api_calls", "day", "2026-12-03", 50);

        cost(s1, "training", "j1", "2026-12-01", 10, "0.5");
        cost(s1, "training", "j2", "2026-12-01", 20, "1.25");
        cost(s1, "nightly", "r1/als", "2026-12-02", 5, "0.1");
        cost(p2, "training", "j3", "2026-12-01", 1, "0.01");
        storing = DB.newOrg("pro");
        storingToo = DB.newOrg("pro");
        abTests();
    }

    private static void abTests() throws Exception {
        abOrg = REDIS.newOrgId("arms");
        canaryOrg = REDIS.newOrgId("arms-canary");
        for (String o : List.of(abOrg, canaryOrg)) {
            DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('" + o + "', 'Org', 'enterprise')");
        }
        DB.execute("INSERT INTO ab_experiments (org_id, experiment_id, name, arms, created_at) VALUES ('" + abOrg + "', 'exp-1', 'rank 16', "
                + "'[{\"name\": \"control\", \"model_version\": \"1.0\", \"weight\": 3}, {\"name\": \"treatment\", \"model_version\": \"2.0\", "
                + "\"weight\": 1}]', TIMESTAMPTZ '2026-11-30 12:00:00+00')");
        DB.execute("INSERT INTO ab_experiments (org_id, experiment_id, name, arms, status, stopped_at) VALUES ('" + abOrg + "', 'exp-old', 'old', "
                + "'[{\"name\": \"a\", \"model_version\": \"0.9\", \"weight\": 1}, {\"name\": \"b\", \"model_version\": \"0.8\", \"weight\": 1}]', "
                + "'stopped', now())");
        ModelRegistry registry = new ModelRegistry(DB.dataSource(), PlanCatalog.load());
        ModelVersion active = registry.register(canaryOrg, "als", Map.of("rank", 8), Map.of());
        ModelVersion candidate = registry.register(canaryOrg, "als", Map.of("rank", 8), Map.of());
        DB.execute("INSERT INTO model_canaries (org_id, algorithm, candidate_version_id, active_version_id, share_percent, "
                + "max_regression_percent, period_hours, started_at, ends_at, baseline) VALUES ('" + canaryOrg + "', 'als', " + candidate.id() + ", "
                + active.id() + ", 10, 5, 48, TIMESTAMPTZ '2026-11-30 00:00:00+00', TIMESTAMPTZ '2026-12-02 00:00:00+00', "
                + "'{\"like\": 5, \"skip\": 5}')");
        feedback(abOrg, "1.0", Map.of("like", 6L, "skip", 2L, "play", 20L));
        feedback(abOrg, "2.0", Map.of("like", 1L, "dislike", 1L));
        feedback(abOrg, "0.9", Map.of("like", 100L));
        feedback(canaryOrg, candidate.label(), Map.of("like", 3L, "skip", 1L));
        feedback(canaryOrg, active.label(), Map.of("like", 7L, "skip", 6L));
    }

    @Test
    void revenuePerPlanCountsPayingSubscriptionsAtListPriceWithTheMonthsLedgerUnits() {
        SparkSession spark = LocalSpark.get();
        // The A/B tests' and the storage test's orgs are not part of these figures.
        List<Row> rows = RevenueMart.monthly(DECEMBER, PostgresQuery.rows(spark, DB.config(), RevenueMart.ORGS_QUERY)
                        .filter(functions.not(col("org_id").isin(abOrg, canaryOrg, storing, storingToo))),
                PostgresQuery.rows(spark, DB.config(), RevenueMart.ledgerQuery(DECEMBER)),
                RevenueMart.prices(spark, PlanCatalog.load())).orderBy("plan_id").collectAsList();
        assertThat(rows.stream().map(PostgresMartsIT::revenue)).containsExactly(
                "2026-12-01 community orgs 1 paying 0 price null mrr 0.0 units null",
                "2026-12-01 free orgs 1 paying 0 price 0.0 mrr 0.0 units null",
                "2026-12-01 pro orgs 2 paying 1 price 299.0 mrr 299.0 units {api_calls=7000}",
                "2026-12-01 starter orgs 3 paying 2 price 49.0 mrr 98.0 units {api_calls=1200, audio_analysis=5}");
    }

    @Test
    void costsPerOrgDayAndKindSumTheMeasuredRuns() {
        SparkSession spark = LocalSpark.get();
        // The storage test's orgs are not part of these figures.
        List<String> rows = CostsMart.daily(PostgresQuery.rows(spark, DB.config(), CostsMart.QUERY).filter(col("org_id").isin(s1, p2)))
                .orderBy("org_id", "cost_date", "kind").collectAsList().stream()
                .map(r -> r.getAs("org_id") + " " + r.getAs("cost_date") + " " + r.getAs("kind") + " runs " + r.getAs("runs")
                        + " cpu " + r.getAs("cpu_seconds") + " usd " + r.getAs("usd"))
                .toList();
        assertThat(rows).containsExactly(
                p2 + " 2026-12-01 training runs 1 cpu 1.0 usd 0.01000000",
                s1 + " 2026-12-01 training runs 2 cpu 30.0 usd 1.75000000",
                s1 + " 2026-12-02 nightly runs 1 cpu 5.0 usd 0.10000000");
    }

    @Test
    void storageIsEachOrgsAudioAndTheLiveFilesOfItsOfflinePartitionsRecordedOncePerDay() throws Exception {
        String org = storing;
        String other = storingToo;
        audio(org, "t1", 1000);
        audio(org, "t2", 2000);
        audio(other, "t1", 500);
        SparkSession spark = LocalSpark.get();
        String root = home.resolve("storage-lake").toString();
        Path factors = Path.of(OfflineStoreLayout.load().table("user_factors").location(root));
        StructType schema = new StructType().add("org_id", DataTypes.StringType).add("model_version", DataTypes.StringType)
                .add("user_id", DataTypes.StringType);
        spark.createDataFrame(List.of(RowFactory.create(org, "1.0", "u1"), RowFactory.create(org, "1.1", "u2"),
                RowFactory.create(other, "1.0", "u3")), schema).write().format("delta").partitionBy("org_id", "model_version").save(factors.toString());
        Path orgDir = factors.resolve("org_id=" + org);

        assertThat(StorageMeter.measure(spark, root, DB.dataSource(), Optional.empty())).containsOnly(
                entry(org, new StorageMeter.Stored(3000, parquetBytes(orgDir))),
                entry(other, new StorageMeter.Stored(500, parquetBytes(factors.resolve("org_id=" + other)))));
        // A version deleted from the log no longer counts, though VACUUM has not removed its file yet.
        DeltaTable.forPath(spark, factors.toString()).delete("org_id = '" + org + "' AND model_version = '1.1'");
        assertThat(parquetBytes(orgDir.resolve("model_version=1.1"))).isPositive();
        Map<String, StorageMeter.Stored> stored = StorageMeter.measure(spark, root, DB.dataSource(), Optional.of(org));
        assertThat(stored).containsOnly(entry(org, new StorageMeter.Stored(3000, parquetBytes(orgDir.resolve("model_version=1.0")))));

        CostMeter meter = new CostMeter(DB.dataSource(), PlanCatalog.load(), CostCatalog.load(), Clock.fixed(DAY_2, ZoneOffset.UTC),
                CapThresholds.NONE);
        assertThat(StorageMeter.record(meter, stored)).isEmpty();
        // A second run the same day records nothing more.
        assertThat(StorageMeter.record(meter, Map.of(org, new StorageMeter.Stored(9000, 9000)))).isEmpty();
        List<Row> rows = PostgresQuery.rows(spark, DB.config(), "SELECT org_id, kind, job_id, day, cpu_seconds, "
                + "(details->>'bytes_audio')::bigint AS bytes_audio, (details->>'bytes_offline')::bigint AS bytes_offline FROM usage_costs")
                .filter(col("org_id").equalTo(org)).collectAsList();
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.<String>getAs("kind")).isEqualTo(CostMeter.STORAGE);
            assertThat(r.<String>getAs("job_id")).isEqualTo("2026-12-02");
            assertThat(r.<Object>getAs("day").toString()).isEqualTo("2026-12-02");
            assertThat(r.<Double>getAs("cpu_seconds")).isZero();
            assertThat(r.<Long>getAs("bytes_audio")).isEqualTo(3000L);
            assertThat(r.<Long>getAs("bytes_offline")).isEqualTo(stored.get(org).bytesOffline());
        });
    }

    @Test
    void usagePerKeyAndDayCarriesTheApisRefusalsBesideTheMeteredCalls() {
        SparkSession spark = LocalSpark.get();
        java.time.LocalDate day = java.time.LocalDate.of(2026, 12, 3);
        // The API's writer, as the serving API flushes it: 402s and 429s of s1's key-a; key-b was only refused.
        new ApiRefusals(DB.dataSource()).add(List.of(
                new ApiRefusals.Count(s1, day, "key-a", "api_calls", "plan_feature:advanced_analytics", 402, 2),
                new ApiRefusals.Count(s1, day, "key-a", "api_calls", "rate_limited", 429, 5),
                new ApiRefusals.Count(s1, day, "key-a", "api_calls", "day_quota", 429, 1),
                new ApiRefusals.Count(s1, day, "key-b", ApiRefusals.UNMETERED, "plan_feature:team_management", 402, 1),
                new ApiRefusals.Count(p2, day, "key-p", "audio_analysis", "month_quota", 429, 4)));
        new ApiRefusals(DB.dataSource()).add(List.of(new ApiRefusals.Count(s1, day, "key-a", "api_calls", "rate_limited", 429, 1)));
        StructType usageSchema = new StructType().add("org_id", DataTypes.StringType).add("api_key_id", DataTypes.StringType)
                .add("resource", DataTypes.StringType).add("units", DataTypes.LongType).add("event_time", DataTypes.TimestampType)
                .add("request_id", DataTypes.StringType).add("event_date", DataTypes.DateType);
        Dataset<Row> usage = spark.createDataFrame(List.of(
                RowFactory.create(s1, "key-a", "api_calls", 1L, Timestamp.valueOf("2026-12-03 10:00:00"), "r1", Date.valueOf(day)),
                RowFactory.create(s1, "key-a", "api_calls", 1L, Timestamp.valueOf("2026-12-03 11:00:00"), "r2", Date.valueOf(day)),
                RowFactory.create(p2, "key-p", "api_calls", 1L, Timestamp.valueOf("2026-12-03 12:00:00"), "r3", Date.valueOf(day))), usageSchema);

        List<String> rows = UsageMart.daily(usage, PostgresQuery.rows(spark, DB.config(), UsageMart.REFUSALS_QUERY)
                        .filter(col("org_id").isin(s1, p2)), PostgresQuery.rows(spark, DB.config(), "SELECT org_id, plan_id FROM organisations"))
                .orderBy("org_id", "api_key_id", "resource").collectAsList().stream()
                .map(r -> (r.getAs("org_id").equals(s1) ? "s1" : "p2") + " " + r.getAs("usage_date") + " " + r.getAs("api_key_id") + " "
                        + r.getAs("resource") + " " + r.getAs("plan_id") + " requests " + r.getAs("requests") + " units " + r.getAs("units")
                        + " 402 " + r.getAs("refused_402") + " 429 " + r.getAs("refused_429") + " "
                        + (r.isNullAt(r.fieldIndex("refusal_reasons")) ? null : new TreeMap<>(r.getJavaMap(r.fieldIndex("refusal_reasons")))))
                .toList();
        assertThat(rows).containsExactlyInAnyOrder(
                "p2 2026-12-03 key-p api_calls pro requests 1 units 1 402 0 429 0 null",
                "p2 2026-12-03 key-p audio_analysis pro requests 0 units 0 402 0 429 4 {month_quota=4}",
                "s1 2026-12-03 key-a api_calls starter requests 2 units 2 402 2 429 7 {day_quota=1, plan_feature:advanced_analytics=2, rate_limited=6}",
                "s1 2026-12-03 key-b unmetered starter requests 0 units 0 402 1 429 0 {plan_feature:team_management=1}");
    }

    @Test
    void abArmsAreSnapshottedUnderEachNightsDayAndAReRunReplacesOnlyItsDayAndOrg() throws Exception {
        Path store = home.resolve("lake");
        snapshot(store, DAY_1);
        feedback(abOrg, "2.0", Map.of("like", 3L, "add_to_playlist", 1L));
        snapshot(store, DAY_2);
        // A re-run of day 2 for the A/B org replaces that org's day only: the canary org's stays as it was.
        feedback(abOrg, "2.0", Map.of("like", 1L));
        feedback(canaryOrg, "1.1", Map.of("like", 50L));
        snapshot(store, DAY_2.plusSeconds(3600), abOrg);

        List<String> rows = LocalSpark.get().read().format("delta").load(store.resolve("marts/mart_model_arms_daily").toString())
                .filter(col("org_id").isin(abOrg, canaryOrg)).collectAsList().stream().map(PostgresMartsIT::describe).toList();
        assertThat(rows).containsExactlyInAnyOrder(
                "2026-12-01 arms experiment exp-1 rank 16 control 1.0 75% +6 -2 of 8 0.750 {like=6, play=20, skip=2}",
                "2026-12-01 arms experiment exp-1 rank 16 treatment 2.0 25% +1 -1 of 2 0.500 {dislike=1, like=1}",
                // The active version's 5 likes and 5 skips before the canary started are not its arm's outcome.
                "2026-12-01 canaryOrg canary als candidate 1.1 10% +3 -1 of 4 0.750 {like=3, skip=1}",
                "2026-12-01 canaryOrg canary als active 1.0 90% +2 -1 of 3 0.667 {like=2, skip=1}",
                "2026-12-02 arms experiment exp-1 rank 16 control 1.0 75% +6 -2 of 8 0.750 {like=6, play=20, skip=2}",
                "2026-12-02 arms experiment exp-1 rank 16 treatment 2.0 25% +6 -1 of 7 0.857 {add_to_playlist=1, dislike=1, like=5}",
                "2026-12-02 canaryOrg canary als candidate 1.1 10% +3 -1 of 4 0.750 {like=3, skip=1}",
                "2026-12-02 canaryOrg canary als active 1.0 90% +2 -1 of 3 0.667 {like=2, skip=1}");
    }

    private static void snapshot(Path store, Instant at, String... onlyOrg) throws Exception {
        NightlyContext.Builder b = NightlyContext.builder(LocalSpark.get(), SmallChain.config(DB, store, Map.of())).storeRoot(store.toString())
                .clock(Clock.fixed(at, ZoneOffset.UTC)).dataSource(DB.dataSource()).onlineStore(REDIS.store());
        if (onlyOrg.length > 0) {
            b.org(onlyOrg[0]);
        }
        try (NightlyContext ctx = b.build()) {
            LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
            MartsJob.writeDay(ctx, MartsJob.ARMS, ArmOutcomesMart.rows(ctx.spark(), ArmOutcomesMart.arms(ctx.dataSource(),
                    MartsJob.canaries(ctx), ctx.onlineStore(), ctx.orgFilter()), day, at), day, new HashMap<>(), new HashMap<>());
        }
    }

    private static String revenue(Row r) {
        Map<String, Long> units = r.isNullAt(r.fieldIndex("metered_units")) ? null : new TreeMap<>(r.getJavaMap(r.fieldIndex("metered_units")));
        return r.getAs("revenue_month") + " " + r.getAs("plan_id") + " orgs " + r.getAs("orgs") + " paying " + r.getAs("paying_orgs")
                + " price " + r.getAs("list_price_usd") + " mrr " + r.getAs("mrr_usd") + " units " + units;
    }

    private static String org(String plan, String status, int n) throws Exception {
        String org = DB.newOrg(plan);
        if (status != null) {
            DB.execute("UPDATE organisations SET stripe_customer_id = 'cus_t" + n + "', stripe_subscription_id = 'sub_t" + n
                    + "' WHERE org_id = '" + org + "'");
            DB.execute("INSERT INTO stripe_subscription_state (subscription_id, org_id, status, last_event_id, last_event_created) "
                    + "VALUES ('sub_t" + n + "', '" + org + "', '" + status + "', 'evt_t" + n + "', now())");
        }
        return org;
    }

    private static void ledger(String org, String resource, String period, String start, long units) throws Exception {
        DB.execute("INSERT INTO usage_ledger (org_id, resource, period, period_start, units) VALUES ('" + org + "', '" + resource + "', '"
                + period + "', DATE '" + start + "', " + units + ")");
    }

    private static void cost(String org, String kind, String job, String day, double cpu, String usd) throws Exception {
        DB.execute("INSERT INTO usage_costs (org_id, kind, job_id, day, cpu_seconds, usd) VALUES ('" + org + "', '" + kind + "', '" + job
                + "', DATE '" + day + "', " + cpu + ", " + usd + ")");
    }

    private static void audio(String org, String track, long bytes) throws Exception {
        DB.execute("INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) VALUES ('" + org + "', '" + track + "', 'x', 1, 1)");
        DB.execute("INSERT INTO track_audio (org_id, track_id, object_key, sha256, size_bytes) VALUES ('" + org + "', '" + track + "', '"
                + org + "/" + track + "', repeat('a', 64), " + bytes + ")");
    }

    /** The sizes of the Parquet data files under a directory, as they lie on disk. */
    private static long parquetBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet") && !f.getFileName().toString().startsWith("."))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void feedback(String orgId, String version, Map<String, Long> counts) {
        counts.forEach((type, n) -> REDIS.jedis().hincrBy(RedisKeys.feedback(orgId, version), type, n));
    }

    private static String describe(Row r) {
        String who = r.getAs("org_id").equals(abOrg) ? "arms" : "canaryOrg";
        Double rate = r.getAs("positive_rate");
        return r.getAs("snapshot_date") + " " + who + " " + r.getAs("test_kind") + " " + (r.getAs("test_kind").equals("canary") ? ""
                : r.getAs("test_id") + " ") + r.getAs("test_name") + " " + r.getAs("arm") + " " + r.getAs("model_version") + " "
                + Math.round(r.<Double>getAs("share_percent")) + "% +" + r.getAs("positive") + " -" + r.getAs("negative") + " of "
                + r.getAs("judged") + " " + (rate == null ? "null" : String.format("%.3f", rate)) + " "
                + new TreeMap<>(r.getJavaMap(r.fieldIndex("feedback")));
    }
}
