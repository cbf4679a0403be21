package io.tunetrail.batch.land;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.ingestion.kafka.KafkaEventPublisher;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.ingestion.kafka.RawInteractionIngestor;
import io.tunetrail.model.Activity;
import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.OfflineStoreLayout;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.model.RejectReason;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.model.testing.TestStack;
import io.tunetrail.store.testing.FreshDatabase;
import io.tunetrail.store.usage.LedgerDirtyMonths;
import io.tunetrail.store.usage.OrgMonth;
import io.tunetrail.store.usage.UsageLedgerStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lander against the stack's Kafka broker, into a temporary offline store: counts, contents, exactly once. */
class KafkaToDeltaLanderIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b};

    @RegisterExtension
    static final FreshDatabase DB = new FreshDatabase();

    private static SparkSession spark;
    /** Topics of the test's own: a test's lander starts from the earliest offsets, so it would land every record the
     * earlier tests sent too, three more Delta writes per run for nothing. */
    private PlatformConfig config;
    private boolean resultTopics;

    @TempDir
    Path store;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.get();
    }

    @BeforeEach
    void createEventTopics() {
        config = TestStack.withFreshTopics("lander");
        KafkaTopics.ensure(config);
    }

    /**
     * The streaming jobs' result topics, for the tests that send to them. Without them the lander starts no query for
     * them (a result topic that does not exist yet lands nothing), which spares the other tests three queries per run.
     */
    private void createResultTopics() {
        KafkaTopics.ensure(config, KafkaTopics.resultNames(config));
        resultTopics = true;
    }

    @AfterEach
    void deleteTopics() throws Exception {
        try (Admin admin = Admin.create(KafkaTopics.adminProperties(config))) {
            admin.deleteTopics(KafkaTopics.names(config)).all().get(30, TimeUnit.SECONDS);
            if (resultTopics) {
                admin.deleteTopics(KafkaTopics.resultNames(config)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void landsEveryRecordOnceAndRefusedOnesAsDeadLetters() {
        LanderSettings settings = LanderSettings.from(config).withStoreRoot(store.toString());
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            for (int i = 0; i < 40; i++) {
                publisher.publish(interaction(i));
            }
            publisher.publishInteractionBytes(null, "{\"org_id\":\"org-a\", oops".getBytes(StandardCharsets.UTF_8));
            publisher.publishInteractionBytes(null, ("{\"user_id\":\"u\",\"track_id\":\"t\",\"event_type\":\"play\","
                    + "\"event_time\":\"2026-03-01T10:00:00Z\",\"client_event_id\":\"x\"}").getBytes(StandardCharsets.UTF_8));
            publisher.publish(new UsageEvent("org-a", "key-1", "api_calls", 3, T0, "req-1"));
            publisher.publish(new DeadLetter("upload.jsonl", null, null, "k".getBytes(StandardCharsets.UTF_8), NOT_UTF8,
                    RejectReason.MALFORMED_JSON, "not JSON", T0, "ingestion"));
            new RawInteractionIngestor(publisher, "api", "api", Clock.fixed(T0, ZoneOffset.UTC))
                    .offer("{\"org_id\":1}".getBytes(StandardCharsets.UTF_8));
        }

        LandResult first = lander(settings).landAll();

        assertThat(first.table("interactions").rowsLanded()).isEqualTo(40);
        assertThat(first.table("interactions").rowsRefused()).isEqualTo(2);
        assertThat(first.table("usage").rowsLanded()).isEqualTo(1);
        assertThat(first.table("usage").rowsRefused()).isZero();
        assertThat(first.table("dead_letters").rowsLanded()).isEqualTo(2);
        Dataset<Row> interactions = read("interactions");
        assertThat(interactions.count()).isEqualTo(40);
        assertThat(interactions.select("client_event_id").distinct().count()).isEqualTo(40);
        Row sample = interactions.filter(col("client_event_id").equalTo("ce-7")).first();
        assertThat((String) sample.getAs("org_id")).isEqualTo("org-b");
        assertThat((String) sample.getAs("user_id")).isEqualTo("user-2");
        assertThat((String) sample.getAs("track_id")).isEqualTo("track-7");
        assertThat((String) sample.getAs("event_type")).isEqualTo("skip");
        assertThat((Long) sample.getAs("played_ms")).isEqualTo(7_000L);
        assertThat((Long) sample.getAs("track_duration_ms")).isEqualTo(180_000L);
        assertThat(((Timestamp) sample.getAs("event_time")).toInstant()).isEqualTo(T0.plusSeconds(7 * 5 * 3600));
        assertThat(sample.getAs("event_date").toString()).isEqualTo("2026-03-02");
        assertThat(sample.<Row>getAs("context").<String>getAs("device")).isEqualTo("car");
        assertThat(sample.<Row>getAs("context").<String>getAs("activity")).isEqualTo("commute");
        assertThat((Integer) sample.getAs("count")).isEqualTo(1);
        assertThat((Long) sample.getAs("kafka_offset")).isNotNegative();
        assertThat(partitionColumns("interactions")).containsExactly("org_id", "event_date");
        assertThat(partitionColumns("usage")).containsExactly("org_id", "event_date");
        assertThat(partitionColumns("dead_letters")).containsExactly("stage", "failed_date");

        Row usage = read("usage").first();
        assertThat((String) usage.getAs("request_id")).isEqualTo("req-1");
        assertThat((Long) usage.getAs("units")).isEqualTo(3L);

        Dataset<Row> dead = read("dead_letters");
        assertThat(dead.count()).isEqualTo(4);
        assertThat(dead.filter(col("stage").equalTo("lander")).select("reason_code").orderBy("reason_code")
                .as(Encoders.STRING()).collectAsList())
                .containsExactly("MALFORMED_JSON", "SCHEMA_VIOLATION");
        assertThat(dead.filter(col("stage").equalTo("lander")).select("source_topic").distinct()
                .as(Encoders.STRING()).collectAsList())
                .containsExactly(config.get(PlatformConfig.TOPIC_INTERACTIONS));
        Row upload = dead.filter(col("source_topic").equalTo("upload.jsonl")).first();
        assertThat(Base64.getDecoder().decode(upload.<String>getAs("original_value_base64"))).isEqualTo(NOT_UTF8);
        assertThat((String) upload.getAs("original_key")).isEqualTo("k");
        assertThat((String) upload.getAs("stage")).isEqualTo("ingestion");
        assertThat((String) upload.getAs("reason_code")).isEqualTo("MALFORMED_JSON");
        assertThat(((Timestamp) upload.getAs("failed_at")).toInstant()).isEqualTo(T0);
        assertThat(upload.getAs("failed_date").toString()).isEqualTo("2026-03-01");
        assertThat(dead.filter(col("stage").equalTo("api")).count()).isEqualTo(1);

        // Run again with nothing new: nothing lands, no table changes.
        LandResult second = lander(settings).landAll();
        assertThat(second.totalLanded()).isZero();
        assertThat(second.tables()).allSatisfy(t -> assertThat(t.rowsRefused()).isZero());
        for (LandResult.TableLanding t : first.tables()) {
            assertThat(second.table(t.table()).deltaVersion()).as(t.table()).isEqualTo(t.deltaVersion());
        }
        assertThat(read("interactions").count()).isEqualTo(40);
        assertThat(read("dead_letters").count()).isEqualTo(4);

        // More events: only they land.
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            for (int i = 40; i < 45; i++) {
                publisher.publish(interaction(i));
            }
            publisher.publishInteractionBytes(null, "not json at all".getBytes(StandardCharsets.UTF_8));
        }
        LandResult third = lander(settings).landAll();
        assertThat(third.table("interactions").rowsLanded()).isEqualTo(5);
        assertThat(third.table("interactions").rowsRefused()).isEqualTo(1);
        assertThat(third.table("dead_letters").rowsLanded()).isZero();
        assertThat(read("interactions").count()).isEqualTo(45);
        assertThat(read("interactions").select("client_event_id").distinct().count()).isEqualTo(45);
        assertThat(read("dead_letters").count()).isEqualTo(5);

        // A bounded streaming run refuses the same record at the same position on every run: it lands once.
        String interactionsTopic = config.get(PlatformConfig.TOPIC_INTERACTIONS);
        DeadLetter late = new DeadLetter(interactionsTopic, 1, 17L, "k".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8), RejectReason.LATE_EVENT, "late", T0, "usage-counters");
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            publisher.publish(late);
            publisher.publish(late);
        }
        assertThat(lander(settings).landAll().table("dead_letters").rowsLanded()).isEqualTo(1);
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(config)) {
            publisher.publish(late);
            publisher.publish(new DeadLetter(interactionsTopic, 1, 17L, "k".getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8), RejectReason.LATE_EVENT, "late", T0, "session-features"));
        }
        assertThat(lander(settings).landAll().table("dead_letters").rowsLanded()).as("another stage's refusal is its own letter")
                .isEqualTo(1);
        // By reason too: the lander's own refusals of the topic's malformed records may sit at offset 17 of a partition.
        assertThat(read("dead_letters").filter(col("source_offset").equalTo(17L).and(col("reason_code").equalTo("LATE_EVENT")))
                .select("stage").as(Encoders.STRING()).collectAsList()).containsExactlyInAnyOrder("usage-counters", "session-features");
    }

    /**
     * The streaming jobs' result topics: committed records are upserted on their key (a re-sent window replaces its
     * row), records of an aborted transaction never land, a broken record goes to dead_letters.
     */
    @Test
    void upsertsCommittedResultsOnTheirKeyAndIgnoresAbortedTransactions() {
        createResultTopics();
        LanderSettings settings = LanderSettings.from(config).withStoreRoot(store.toString());
        String hourly = config.get(PlatformConfig.TOPIC_USAGE_HOURLY);
        String sessions = config.get(PlatformConfig.TOPIC_SESSIONS);
        transaction(true, List.of(
                record(hourly, "org-a", usageRow("org-a", "key-1", "2026-03-01T10:00:00Z", 5)),
                record(hourly, "org-a", usageRow("org-a", null, "2026-03-01T10:00:00Z", 7)),
                record(hourly, "org-a", usageRow("org-a", "key-1", "2026-03-01T11:00:00Z", 2)),
                record(sessions, "org-a/u1", sessionRow("u1", "2026-03-01T10:00:00Z", 4)),
                record(sessions, "org-a/u1", "{\"org_id\":\"org-a\"}")));
        transaction(false, List.of(record(hourly, "org-a", usageRow("org-a", "key-9", "2026-03-01T10:00:00Z", 999))));

        LandResult first = lander(settings).landAll();
        assertThat(first.table("usage_hourly").rowsLanded()).isEqualTo(3);
        assertThat(first.table("sessions").rowsLanded()).isEqualTo(1);
        assertThat(first.table("sessions").rowsRefused()).isEqualTo(1);
        assertThat(first.table("usage_daily").rowsLanded()).isZero();
        assertThat(first.ledger().changed()).as("no day landed, no ledger row").isZero();
        assertThat(partitionColumns("usage_hourly")).containsExactly("org_id", "usage_date");
        assertThat(partitionColumns("sessions")).containsExactly("org_id", "session_date");
        assertThat(read("usage_hourly").filter(col("api_key_id").equalTo("key-9")).count()).as("aborted transaction").isZero();
        assertThat(read("dead_letters").filter(col("source_topic").equalTo(sessions)).count()).isEqualTo(1);

        // A bounded streaming run recomputes and re-sends: the same windows replace their rows, new ones are added.
        transaction(true, List.of(
                record(hourly, "org-a", usageRow("org-a", "key-1", "2026-03-01T11:00:00Z", 3)),
                record(hourly, "org-a", usageRow("org-a", null, "2026-03-01T10:00:00Z", 7)),
                record(sessions, "org-a/u1", sessionRow("u1", "2026-03-01T10:00:00Z", 6))));
        lander(settings).landAll();
        Dataset<Row> rows = read("usage_hourly");
        assertThat(rows.count()).isEqualTo(3);
        assertThat(rows.filter(col("api_key_id").isNull()).select("units").as(Encoders.LONG()).collectAsList()).containsExactly(7L);
        assertThat(rows.filter(col("window_start").equalTo(Timestamp.from(Instant.parse("2026-03-01T11:00:00Z"))))
                .select("units").as(Encoders.LONG()).collectAsList()).containsExactly(3L);
        assertThat(rows.select("usage_date").distinct().as(Encoders.STRING()).collectAsList()).containsExactly("2026-03-01");
        Row session = read("sessions").first();
        assertThat(read("sessions").count()).isEqualTo(1);
        assertThat((Long) session.getAs("tracks_played")).isEqualTo(6L);
        assertThat((String) session.getAs("top_genre")).isEqualTo("rock");
    }

    /**
     * Landed days are summed into the billing ledger in PostgreSQL, per day and per month; a day sent again with a
     * corrected total corrects its month; usage of an org the database does not know is counted, not written.
     */
    @Test
    void landedDaysBecomeTheBillingLedgerInPostgres() throws Exception {
        createResultTopics();
        LanderSettings settings = LanderSettings.from(config).withStoreRoot(store.toString());
        String daily = config.get(PlatformConfig.TOPIC_USAGE_DAILY);
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('org-billed', 'Billed', 'pro')");
        DB.execute("INSERT INTO api_keys (org_id, key_id, name, key_hash, key_prefix) VALUES ('org-billed', 'key-b', 'k', "
                + "encode(sha256('key-b'::bytea), 'hex'), 'tt_keyb')");
        transaction(true, List.of(
                record(daily, "org-billed", usageRow("org-billed", "key-b", "2026-03-01T00:00:00Z", 40)),
                record(daily, "org-billed", usageRow("org-billed", "key-b", "2026-03-02T00:00:00Z", 35)),
                record(daily, "org-billed", usageRow("org-billed", null, "2026-03-02T00:00:00Z", 900)),
                record(daily, "org-billed", usageRow("org-billed", "key-b", "2026-04-01T00:00:00Z", 1)),
                record(daily, "org-ghost", usageRow("org-ghost", null, "2026-03-02T00:00:00Z", 5))));

        LandResult first = lander(settings).landAll();
        assertThat(first.ledger().unknownOrgOrKey()).isEqualTo(2);
        assertThat(first.ledger().unknownExamples()).allMatch(e -> e.contains("org-ghost"));
        assertThat(ledger()).containsExactly(
                "key-b day 2026-03-01 40", "key-b day 2026-03-02 35", "key-b day 2026-04-01 1",
                "key-b month 2026-03-01 75", "key-b month 2026-04-01 1",
                "- day 2026-03-02 900", "- month 2026-03-01 900");

        transaction(true, List.of(record(daily, "org-billed", usageRow("org-billed", "key-b", "2026-03-02T00:00:00Z", 36))));
        LandResult second = lander(settings).landAll();
        assertThat(second.ledger().changed()).as("the corrected day and its month").isEqualTo(2);
        assertThat(ledger()).contains("key-b day 2026-03-02 36", "key-b month 2026-03-01 76", "- month 2026-03-01 900");
    }

    /**
     * A lander that dies after landing the days and before writing the ledger (issue 11): the next run lands nothing
     * new, yet writes the months the dead run landed, because their marks outlived it in PostgreSQL.
     */
    @Test
    void monthsLandedByARunThatDiedBeforeTheLedgerAreBilledByTheNextRun() throws Exception {
        createResultTopics();
        LanderSettings settings = LanderSettings.from(config).withStoreRoot(store.toString());
        String daily = config.get(PlatformConfig.TOPIC_USAGE_DAILY);
        DB.execute("INSERT INTO organisations (org_id, name, plan_id) VALUES ('org-crash', 'Crash', 'pro')");
        transaction(true, List.of(record(daily, "org-crash", usageRow("org-crash", null, "2026-05-03T00:00:00Z", 7)),
                record(daily, "org-crash", usageRow("org-crash", null, "2026-05-04T00:00:00Z", 5))));

        KafkaToDeltaLander dying = new KafkaToDeltaLander(spark, settings, publisher(), () -> {
            throw new IllegalStateException("died between landing and the ledger");
        });
        assertThatThrownBy(dying::landAll).hasMessageContaining("died between");
        assertThat(read("usage_daily").filter(col("org_id").equalTo("org-crash")).count()).as("the days landed").isEqualTo(2);
        assertThat(ledger("org-crash")).as("and the ledger was not written").isEmpty();
        LedgerDirtyMonths marks = new LedgerDirtyMonths(DB.dataSource(), OfflineStoreLayout.load().table("usage_daily").location(store.toString()));
        assertThat(marks.pending()).contains(new OrgMonth("org-crash", LocalDate.parse("2026-05-01")));

        LandResult rerun = lander(settings).landAll();
        assertThat(rerun.table("usage_daily").rowsLanded()).as("nothing new to land").isZero();
        assertThat(ledger("org-crash")).containsExactly("- day 2026-05-03 7", "- day 2026-05-04 5", "- month 2026-05-01 12");
        assertThat(marks.pending()).as("cleared with the ledger rows")
                .doesNotContain(new OrgMonth("org-crash", LocalDate.parse("2026-05-01")));
    }

    private static List<String> ledger() throws java.sql.SQLException {
        return ledger("org-billed");
    }

    private static List<String> ledger(String org) throws java.sql.SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (java.sql.Connection c = DB.dataSource().getConnection(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT coalesce(api_key_id, '-'), period, period_start, units "
                        + "FROM usage_ledger WHERE org_id = '" + org + "' ORDER BY api_key_id NULLS LAST, period, period_start")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getDate(3) + " " + rs.getLong(4));
            }
        }
        return out;
    }

    private static KafkaToDeltaLander lander(LanderSettings settings) {
        return new KafkaToDeltaLander(spark, settings, publisher());
    }

    private static UsageLedgerPublisher publisher() {
        return new UsageLedgerPublisher(spark, DB.dataSource());
    }

    private static String usageRow(String org, String key, String start, long units) {
        return "{\"org_id\":\"" + org + "\",\"api_key_id\":" + (key == null ? "null" : "\"" + key + "\"")
                + ",\"resource\":\"api_calls\",\"window_start\":\"" + start + "\",\"window_end\":\""
                + Instant.parse(start).plusSeconds(3600) + "\",\"usage_date\":\"" + start.substring(0, 10) + "\",\"units\":" + units
                + ",\"events\":1}";
    }

    private static String sessionRow(String user, String start, long tracks) {
        return "{\"org_id\":\"org-a\",\"user_id\":\"" + user + "\",\"session_start\":\"" + start + "\",\"session_end\":\""
                + Instant.parse(start).plusSeconds(1800) + "\",\"session_date\":\"" + start.substring(0, 10)
                + "\",\"duration_ms\":1800000,\"events\":" + tracks + ",\"tracks_played\":" + tracks
                + ",\"completion_rate\":0.5,\"skip_rate\":0.25,\"minutes_listened\":12.5,\"distinct_artists\":2,"
                + "\"distinct_genres\":1,\"top_genre\":\"rock\",\"dominant_activity\":\"workout\",\"hour_of_day\":10,\"day_of_week\":7}";
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record(String topic, String key, String json) {
        return new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the records in one Kafka transaction, as Flink's exactly-once sink does, and commits or aborts it. */
    private void transaction(boolean commit, List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", config.kafkaBootstrap());
        p.put("transactional.id", "lander-it-" + java.util.UUID.randomUUID());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p,
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private static InteractionEvent interaction(int i) {
        EventType type = i % 7 == 0 ? EventType.SKIP : EventType.PLAY;
        return new InteractionEvent(i % 2 == 0 ? "org-a" : "org-b", "user-" + (i % 5), "track-" + i, type,
                i * 1000L, 180_000L, T0.plusSeconds(i * 5 * 3600L),
                new InteractionContext(i % 7 == 0 ? Device.CAR : Device.MOBILE,
                        i % 7 == 0 ? Activity.COMMUTE : Activity.NONE),
                "ce-" + i, 1);
    }

    private Dataset<Row> read(String table) {
        return spark.read().format("delta").load(OfflineStoreLayout.load().table(table).location(store.toString()));
    }

    private List<String> partitionColumns(String table) {
        String location = OfflineStoreLayout.load().table(table).location(store.toString());
        Row detail = DeltaTable.forPath(spark, location).detail().first();
        return detail.getList(detail.fieldIndex("partitionColumns"));
    }
}
