package io.tunetrail.batch;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.delta.tables.DeltaTable;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.land.LanderSettings;
import io.tunetrail.batch.land.UsageLedgerPublisher;
import io.tunetrail.batch.marts.MartsJob;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.synthetic.SyntheticLake;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SmallChain;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.synthetic.GeneratorSettings;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.Track;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.TrackAudioStore;
import io.tunetrail.store.testing.ClickTracks;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.testing.RedisNamespace;
import io.tunetrail.store.usage.ApiRefusals;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code schemas/offline-store.yaml} against the tables the platform really writes: a small synthetic week landed
 * (with usage events through Kafka) and run through the whole nightly chain, with one registered audio file so the
 * audio tables are written too. Then every Delta table under the store root must be documented, every documented
 * table must exist, and their columns and types must agree both ways.
 */
class OfflineStoreDocumentedIT {
    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();
    @RegisterExtension
    static final RedisNamespace REDIS = new RedisNamespace();

    @TempDir
    static Path home;

    private static SparkSession spark;
    private static PlatformConfig config;
    private static Path store;
    private static NightlyChain.Result result;
    private static String org;

    @BeforeAll
    static void landAndRunTheChain() throws Exception {
        spark = LocalSpark.get();
        store = home.resolve("lake");
        Map<String, String> extra = new HashMap<>(PlatformConfig.topicsNamed("it-lakedocs-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
        extra.put(PlatformConfig.API_AUDIO_STORE_DIR.name(), home.resolve("audio").toString());
        config = SmallChain.config(DB, store, extra);
        KafkaTopics.ensure(config);

        Map<String, String> renamed = new HashMap<>();
        GeneratorSettings settings = GeneratorSettings.defaults(Instant.parse("2026-03-01T00:00:00Z"))
                .withScale(0.02).withOrgs(2).withSpan(Instant.parse("2026-03-01T00:00:00Z"), 7);
        SyntheticLake.Loaded world = new SyntheticLake(spark, new OfflineTables(spark, store.toString()))
                .load(settings, id -> renamed.computeIfAbsent(id, REDIS::newOrgId), DB.dataSource());
        org = world.orgIds().get(0);

        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            for (int i = 0; i < 3; i++) {
                publisher.publish(new UsageEvent(org, "key-" + (i % 2), "api_calls", 1 + i,
                        Instant.parse("2026-03-02T10:00:00Z").plusSeconds(i), "req-" + i));
            }
        }
        // Refused calls as the API adds them to PostgreSQL: beside key-1's metered calls, and a key refused only.
        new ApiRefusals(DB.dataSource()).add(List.of(
                new ApiRefusals.Count(org, java.time.LocalDate.of(2026, 3, 2), "key-1", "api_calls", "rate_limited", 429, 3),
                new ApiRefusals.Count(org, java.time.LocalDate.of(2026, 3, 2), "key-2", "api_calls", "plan_feature:advanced_analytics", 402, 1)));
        new KafkaToDeltaLander(spark, LanderSettings.from(config).withStoreRoot(store.toString()),
                new UsageLedgerPublisher(spark, DB.dataSource())).landAll();

        Track track = world.catalog().tracks().stream().filter(t -> t.orgId().equals(org)).findFirst().orElseThrow();
        byte[] audio = ClickTracks.wav(120, 8, 1000);
        String key = org + "/track_" + track.trackId() + ".wav";
        Path file = home.resolve("audio").resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, audio);
        new TrackAudioStore(DB.dataSource()).register(new TrackAudioStore.TrackAudio(org, track.trackId(), key,
                TrackAudioAnalyser.sha256(audio), audio.length));

        try (NightlyContext ctx = NightlyContext.builder(spark, config).storeRoot(store.toString())
                .dataSource(DB.dataSource()).onlineStore(REDIS.store()).build()) {
            result = NightlyChain.all().run(ctx);
        }
    }

    @AfterAll
    static void deleteTopics() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyTableTheJobsWriteIsDocumentedColumnByColumnAndEveryDocumentedOneIsWritten() throws Exception {
        Map<String, Map<String, String>> documented = documentedColumns();
        Map<String, Map<String, String>> written = writtenColumns();
        List<String> problems = new ArrayList<>();
        written.forEach((table, columns) -> {
            if (!documented.containsKey(table)) {
                problems.add("table " + table + " is written but not documented; its columns: " + columns);
                return;
            }
            Map<String, String> doc = documented.get(table);
            columns.forEach((column, type) -> {
                if (!doc.containsKey(column)) {
                    problems.add(table + "." + column + " (" + type + ") is written but not documented");
                } else if (!doc.get(column).equals(type)) {
                    problems.add(table + "." + column + " is documented as " + doc.get(column) + " but written as " + type);
                }
            });
            doc.keySet().stream().filter(c -> !columns.containsKey(c))
                    .forEach(c -> problems.add(table + "." + c + " is documented but not written"));
        });
        documented.keySet().stream().filter(t -> !written.containsKey(t))
                .forEach(t -> problems.add("table " + t + " is documented but no job wrote it"));
        assertThat(problems).as("schemas/offline-store.yaml versus the written tables").isEmpty();
    }

    @Test
    void partitioningIsAsDocumented() {
        for (OfflineStoreLayout.Table t : OfflineStoreLayout.load().tables()) {
            Row detail = DeltaTable.forPath(spark, t.location(store.toString())).detail().first();
            List<String> partitions = detail.getList(detail.fieldIndex("partitionColumns"));
            assertThat(partitions).as(t.name()).containsExactlyElementsOf(t.partitionBy());
        }
    }

    @Test
    void theMartsHoldTheRunsFigures() {
        assertThat(result.job(MartsJob.NAME).outputVersions())
                .containsKeys("mart_listening_daily", "mart_usage_daily", "mart_model_quality", "mart_listener_retention",
                        "mart_costs_daily", "mart_revenue_monthly", MartsJob.ARMS);
        OfflineTables tables = new OfflineTables(spark, store.toString());
        long plays = spark.read().format("delta").load(tables.location("interactions"))
                .filter(col("event_type").isin("play", "complete", "skip"))
                .selectExpr("sum(coalesce(count, 1))").first().getLong(0);
        long martPlays = spark.read().format("delta").load(tables.location("mart_listening_daily"))
                .selectExpr("sum(plays)").first().getLong(0);
        assertThat(martPlays).isEqualTo(plays);
        List<Row> usage = spark.read().format("delta").load(tables.location("mart_usage_daily"))
                .orderBy("api_key_id").collectAsList();
        assertThat(usage).extracting(r -> r.getAs("api_key_id") + " " + r.getAs("requests") + " " + r.getAs("units")
                + " " + r.getAs("plan_id") + " " + r.getAs("refused_402") + " " + r.getAs("refused_429"))
                .containsExactly("key-0 2 4 " + plan(org) + " 0 0", "key-1 1 2 " + plan(org) + " 0 3", "key-2 0 0 " + plan(org) + " 1 0");
        assertThat(spark.read().format("delta").load(tables.location("mart_model_quality"))
                .filter(col("recommender").notEqual("popularity")).filter(col("ndcg_vs_baseline").isNotNull()).count()).isPositive();
    }

    private static String plan(String orgId) {
        try (java.sql.Connection c = DB.dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT plan_id FROM organisations WHERE org_id = ?")) {
            ps.setString(1, orgId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code table -> column -> type} of every Delta table under the store root, found on disk, not from the layout. */
    private static Map<String, Map<String, String>> writtenColumns() throws Exception {
        Map<String, String> byPath = new HashMap<>();
        OfflineStoreLayout.load().tables().forEach(t -> byPath.put(t.path(), t.name()));
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (var dirs = Files.walk(store, 3)) {
            for (Path log : dirs.filter(p -> p.getFileName().toString().equals("_delta_log")).toList()) {
                Path table = log.getParent();
                String relative = store.relativize(table).toString().replace('\\', '/');
                String name = byPath.getOrDefault(relative, relative);
                out.put(name, columns(spark.read().format("delta").load(table.toString()).schema()));
            }
        }
        return out;
    }

    private static Map<String, String> columns(StructType schema) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StructField f : schema.fields()) {
            out.put(f.name(), f.dataType().simpleString());
        }
        return out;
    }

    /** {@code table -> column -> type} as {@code schemas/offline-store.yaml} says. */
    private static Map<String, Map<String, String>> documentedColumns() throws Exception {
        JsonNode root;
        try (InputStream in = OfflineStoreLayout.class.getClassLoader().getResourceAsStream(OfflineStoreLayout.RESOURCE)) {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            Map<String, String> columns = new LinkedHashMap<>();
            t.getValue().path("columns").fields().forEachRemaining(c -> columns.put(c.getKey(), c.getValue().path("type").asText()));
            out.put(t.getKey(), columns);
        }
        return out;
    }
}
