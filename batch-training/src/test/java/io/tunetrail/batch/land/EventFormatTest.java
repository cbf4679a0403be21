package io.tunetrail.batch.land;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parsing and refusal of event records on small DataFrames shaped like Kafka rows; no Kafka involved. */
class EventFormatTest {
    private static final String VALID = """
            {"org_id":"org-1","user_id":"u-1","track_id":"t-1","event_type":"play","played_ms":120000,
             "track_duration_ms":200000,"event_time":"2026-03-01T23:30:00-02:00",
             "context":{"device":"mobile","activity":"workout"},"client_event_id":"ce-1","count":3}""";
    private static final String MINIMAL = """
            {"org_id":"org-1","user_id":"u-2","track_id":"t-2","event_type":"skip",
             "event_time":"2026-03-02T10:00:00.123456Z","client_event_id":"ce-2"}""";

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.get();
    }

    @Test
    void validInteractionsParseWithEveryFieldAndDefaults() {
        Dataset<Row> classified = EventFormat.INTERACTIONS.classify(kafkaRows(VALID, MINIMAL));
        Map<String, Row> byUser = EventFormat.INTERACTIONS.landedRows(classified).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getAs("user_id"), r -> r));

        assertThat(byUser).hasSize(2);
        Row full = byUser.get("u-1");
        assertThat((String) full.getAs("org_id")).isEqualTo("org-1");
        assertThat((String) full.getAs("track_id")).isEqualTo("t-1");
        assertThat((String) full.getAs("event_type")).isEqualTo("play");
        assertThat((Long) full.getAs("played_ms")).isEqualTo(120_000L);
        assertThat((Long) full.getAs("track_duration_ms")).isEqualTo(200_000L);
        assertThat(((Timestamp) full.getAs("event_time")).toInstant()).isEqualTo(Instant.parse("2026-03-02T01:30:00Z"));
        // The UTC date, not the sender's local date (2026-03-01 at -02:00).
        assertThat(full.getAs("event_date").toString()).isEqualTo("2026-03-02");
        Row context = full.getAs("context");
        assertThat(context.<String>getAs("device")).isEqualTo("mobile");
        assertThat(context.<String>getAs("activity")).isEqualTo("workout");
        assertThat((String) full.getAs("client_event_id")).isEqualTo("ce-1");
        assertThat((Integer) full.getAs("count")).isEqualTo(3);
        assertThat((Integer) full.getAs("kafka_partition")).isEqualTo(0);
        assertThat((Long) full.getAs("kafka_offset")).isEqualTo(0L);

        Row minimal = byUser.get("u-2");
        assertThat((Long) minimal.getAs("played_ms")).isZero();
        assertThat((Long) minimal.getAs("track_duration_ms")).isZero();
        assertThat((Integer) minimal.getAs("count")).isEqualTo(1);
        assertThat(minimal.<Row>getAs("context").<String>getAs("device")).isEqualTo("other");
        assertThat(minimal.<Row>getAs("context").<String>getAs("activity")).isEqualTo("none");
        assertThat((Date) minimal.getAs("event_date")).isEqualTo(Date.valueOf("2026-03-02"));
    }

    @Test
    void badRecordsAreRefusedWithTheirReasonAndNothingDisappears() {
        List<String> values = new ArrayList<>(List.of(VALID,
                "{\"org_id\":\"org-1\", truncated",                       // malformed JSON
                "[1,2,3]",                                                 // JSON, but not an object
                VALID.replace("\"played_ms\":120000", "\"played_ms\":\"long\""),  // wrong type
                VALID.replace("\"org_id\":\"org-1\",", ""),                // missing org
                VALID.replace("\"play\"", "\"hum\""),                      // not an event type
                VALID.replace("\"count\":3", "\"count\":3,\"colour\":\"red\""), // unknown field
                VALID.replace("-02:00", ""),                               // no offset
                ""));                                                      // empty record
        Dataset<Row> classified = EventFormat.INTERACTIONS.classify(kafkaRows(values.toArray(new String[0])));
        List<Row> refused = DeadLetterRows.refusedRows(classified).orderBy("source_offset").collectAsList();
        long landed = EventFormat.INTERACTIONS.landedRows(classified).count();

        assertThat(landed + refused.size()).isEqualTo(values.size());
        assertThat(landed).isEqualTo(1);
        assertThat(refused).extracting(r -> r.<String>getAs("reason_code")).containsExactly(
                "MALFORMED_JSON", "MALFORMED_JSON", "SCHEMA_VIOLATION", "SCHEMA_VIOLATION", "SCHEMA_VIOLATION",
                "SCHEMA_VIOLATION", "SCHEMA_VIOLATION", "MALFORMED_JSON");
        assertThat(refused).extracting(r -> r.<String>getAs("reason")).satisfiesExactly(
                r -> assertThat(r).isEqualTo("not a JSON object"),
                r -> assertThat(r).isEqualTo("not a JSON object"),
                r -> assertThat(r).isEqualTo("played_ms has the wrong type"),
                r -> assertThat(r).isEqualTo("missing required field org_id"),
                r -> assertThat(r).contains("event_type 'hum' is not one of"),
                r -> assertThat(r).isEqualTo("unknown field(s): colour"),
                r -> assertThat(r).isEqualTo("event_time is not an ISO 8601 date-time with offset"),
                r -> assertThat(r).isEqualTo("not a JSON object"));
        Row first = refused.get(0);
        assertThat((String) first.getAs("stage")).isEqualTo("lander");
        assertThat((String) first.getAs("source_topic")).isEqualTo("interactions");
        assertThat((Long) first.getAs("source_offset")).isEqualTo(1L);
        assertThat(new String(Base64.getDecoder().decode(first.<String>getAs("original_value_base64")),
                StandardCharsets.UTF_8)).isEqualTo(values.get(1));
        assertThat(first.<Object>getAs("failed_date")).isNotNull();
    }

    /**
     * The lander restates the JSON schema as Spark expressions; on the same records it must reach the same verdict
     * as the schema itself ({@link EventCodec}, what the API and the ingestors use), or data would be refused in one
     * place and kept in the other.
     */
    @Test
    void acceptsAndRefusesExactlyWhatTheSchemaDoes() {
        List<String> values = List.of(VALID, MINIMAL,
                "{\"org_id\":\"org-1\", truncated", "[1,2,3]", "", "null",
                VALID.replace("\"played_ms\":120000", "\"played_ms\":\"long\""),
                VALID.replace("\"played_ms\":120000", "\"played_ms\":-1"),
                VALID.replace("\"org_id\":\"org-1\",", ""),
                VALID.replace("\"org_id\":\"org-1\"", "\"org_id\":\"org one\""),
                VALID.replace("\"org_id\":\"org-1\"", "\"org_id\":\"" + "o".repeat(129) + "\""),
                VALID.replace("\"play\"", "\"hum\""),
                VALID.replace("\"mobile\"", "\"toaster\""),
                VALID.replace("\"count\":3", "\"count\":0"),
                VALID.replace("\"count\":3", "\"count\":3,\"colour\":\"red\""),
                VALID.replace("\"event_time\":\"2026-03-01T23:30:00-02:00\"", "\"event_time\":\"yesterday\""),
                MINIMAL.replace("\"skip\"", "\"add_to_playlist\""));
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        Dataset<Row> classified = EventFormat.INTERACTIONS.classify(kafkaRows(values.toArray(new String[0])));
        Set<Long> refusedOffsets = DeadLetterRows.refusedRows(classified).collectAsList().stream()
                .map(r -> r.<Long>getAs("source_offset")).collect(Collectors.toSet());
        for (int i = 0; i < values.size(); i++) {
            boolean schemaAccepts = codec.decode(values.get(i).getBytes(StandardCharsets.UTF_8)).isAccepted();
            assertThat(!refusedOffsets.contains((long) i)).as("lander accepts record %d: %s", i, values.get(i))
                    .isEqualTo(schemaAccepts);
        }
    }

    @Test
    void usageEventsAreCheckedAgainstTheirOwnSchema() {
        String valid = "{\"org_id\":\"org-1\",\"api_key_id\":\"k-1\",\"resource\":\"api_calls\",\"units\":2,"
                + "\"event_time\":\"2026-03-02T10:00:00Z\",\"request_id\":\"r-1\"}";
        Dataset<Row> classified = EventFormat.USAGE.classify(kafkaRows(valid,
                valid.replace("\"units\":2", "\"units\":0"),
                valid.replace("api_calls", "API Calls")));
        List<Row> landed = EventFormat.USAGE.landedRows(classified).collectAsList();
        List<Row> refused = DeadLetterRows.refusedRows(classified).orderBy("source_offset").collectAsList();

        assertThat(landed).hasSize(1);
        assertThat((Long) landed.get(0).getAs("units")).isEqualTo(2L);
        assertThat((String) landed.get(0).getAs("resource")).isEqualTo("api_calls");
        assertThat(landed.get(0).getAs("event_date").toString()).isEqualTo("2026-03-02");
        assertThat(refused).extracting(r -> r.<String>getAs("reason")).containsExactly(
                "units is outside 1..1000000", "resource is not a resource name (^[a-z][a-z0-9_]{0,63}$)");
    }

    /** Kafka-shaped rows on topic "interactions", partition 0, offsets 0.. in order; "" is a record without a value. */
    private static Dataset<Row> kafkaRows(String... values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            byte[] value = values[i].isEmpty() ? null : values[i].getBytes(StandardCharsets.UTF_8);
            rows.add(RowFactory.create("k".getBytes(StandardCharsets.UTF_8), value, "interactions", 0, (long) i,
                    Timestamp.from(Instant.parse("2026-03-02T12:00:00Z")), 0));
        }
        return spark.createDataFrame(rows, KafkaToDeltaLander.KAFKA_SCHEMA);
    }
}
