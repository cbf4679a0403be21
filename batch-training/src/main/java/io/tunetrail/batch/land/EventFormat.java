package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.model.RejectReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How one event topic's JSON becomes rows of its raw Delta table, and which records are refused and why.
 *
 * <p>The checks mirror the JSON schemas in {@code schemas/} (required fields, types, enums, ranges, id patterns, no
 * unknown fields) in Spark expressions, so validation runs inside the query instead of record by record in Java.
 * Producers already validate with {@code EventCodec}; this is the second line, for bytes that reached the topic some
 * other way. A refused record gets {@link RejectReason#MALFORMED_JSON} when it is not a JSON object at all and
 * {@link RejectReason#SCHEMA_VIOLATION} otherwise, with a reason naming every broken field.
 */
public final class EventFormat {
    /** Added by {@link #classify}: the reject reason code, null for an accepted record. */
    public static final String REFUSAL_CODE = "refusal_code";
    /** Added by {@link #classify}: one line saying what is wrong, null for an accepted record. */
    public static final String REFUSAL_REASON = "refusal_reason";

    private static final String ID_PATTERN = io.tunetrail.model.Ids.PATTERN;
    // RFC 3339 date-time: the schema demands an explicit offset, so "2026-01-01T10:00:00" (no zone) is refused.
    private static final String DATE_TIME_PATTERN =
            "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$";
    private static final long MAX_MS = 86_400_000L;
    private static final String MAP = "_json";
    private static final String EVENT = "_event";

    /** Listening events, {@code schemas/interaction.schema.json}. */
    public static final EventFormat INTERACTIONS = new EventFormat("interactions",
            new StructType()
                    .add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
                    .add("track_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
                    .add("played_ms", DataTypes.LongType).add("track_duration_ms", DataTypes.LongType)
                    .add("event_time", DataTypes.StringType)
                    .add("context", new StructType().add("device", DataTypes.StringType)
                            .add("activity", DataTypes.StringType))
                    .add("client_event_id", DataTypes.StringType).add("count", DataTypes.IntegerType),
            List.of("org_id", "user_id", "track_id", "event_type", "event_time", "client_event_id"),
            List.of("org_id", "user_id", "track_id", "client_event_id"));

    /** Metered API usage, {@code schemas/usage.schema.json}. */
    public static final EventFormat USAGE = new EventFormat("usage",
            new StructType()
                    .add("org_id", DataTypes.StringType).add("api_key_id", DataTypes.StringType)
                    .add("resource", DataTypes.StringType).add("units", DataTypes.LongType)
                    .add("event_time", DataTypes.StringType).add("request_id", DataTypes.StringType),
            List.of("org_id", "api_key_id", "resource", "units", "event_time", "request_id"),
            List.of("org_id", "api_key_id", "request_id"));

    private final String name;
    private final StructType wireSchema;
    private final List<String> required;
    private final List<String> idFields;

    private EventFormat(String name, StructType wireSchema, List<String> required, List<String> idFields) {
        this.name = name;
        this.wireSchema = wireSchema;
        this.required = required;
        this.idFields = idFields;
    }

    public String name() {
        return name;
    }

    /**
     * Parses the {@code value} column of Kafka rows into the raw table's columns (see {@link #landedRows}) and adds
     * {@link #REFUSAL_CODE} and {@link #REFUSAL_REASON}; every input row gives one output row. The Kafka columns
     * {@code key}, {@code topic}, {@code partition}, {@code offset}, {@code timestamp} are kept, and {@code value} for
     * refused rows only (accepted rows do not need their bytes again), so the result is cheap to cache.
     */
    public Dataset<Row> classify(Dataset<Row> kafkaRows) {
        Column text = col("value").cast("string");
        // Spark reads any JSON value into a string map entry (objects as their JSON text), so this map tells which
        // fields are present whatever their type, and is null exactly when the bytes are not a JSON object.
        Dataset<Row> parsed = kafkaRows
                .withColumn(MAP, from_json(text, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)))
                .withColumn(EVENT, from_json(text, wireSchema, Map.of("mode", "PERMISSIVE")));
        Column malformed = col("value").isNull().or(length(col("value")).equalTo(0)).or(col(MAP).isNull());
        Column violations = concat_ws("; ", schemaChecks().toArray(new Column[0]));
        Dataset<Row> checked = parsed
                .withColumn(REFUSAL_REASON, when(malformed, lit("not a JSON object"))
                        .when(violations.notEqual(""), violations))
                .withColumn(REFUSAL_CODE, when(malformed, lit(RejectReason.MALFORMED_JSON.name()))
                        .when(col(REFUSAL_REASON).isNotNull(), lit(RejectReason.SCHEMA_VIOLATION.name())));
        List<Column> out = new ArrayList<>();
        landedColumns().forEach((name, value) -> out.add(value.as(name)));
        out.addAll(List.of(col("key"), when(col(REFUSAL_CODE).isNotNull(), col("value")).as("value"), col("topic"),
                col("partition"), col("offset"), col("timestamp"), col(REFUSAL_CODE), col(REFUSAL_REASON)));
        return checked.select(out.toArray(new Column[0]));
    }

    /** Each check is a message when violated and null when not; concat_ws skips the nulls. */
    private List<Column> schemaChecks() {
        List<Column> checks = new ArrayList<>();
        String[] known = Arrays.stream(wireSchema.fields()).map(StructField::name).toArray(String[]::new);
        Column unknown = array_except(map_keys(col(MAP)), array(Arrays.stream(known).map(f -> lit(f)).toArray(Column[]::new)));
        checks.add(when(size(unknown).gt(0), concat(lit("unknown field(s): "), array_join(unknown, ", "))));
        for (String f : required) {
            checks.add(when(col(MAP).getItem(f).isNull(), lit("missing required field " + f)));
        }
        for (String f : known) {
            // Present in the JSON but null once typed: the value has the wrong type (e.g. "played_ms": "ten").
            checks.add(when(col(MAP).getItem(f).isNotNull().and(field(f).isNull()), lit(f + " has the wrong type")));
        }
        for (String f : idFields) {
            checks.add(when(field(f).isNotNull().and(not(field(f).rlike(ID_PATTERN)).or(length(field(f)).gt(io.tunetrail.model.Ids.MAX_LENGTH))),
                    lit(f + " is not an id (1-128 of A-Za-z0-9._:@/-, starting alphanumeric)")));
        }
        checks.add(when(field("event_time").isNotNull().and(not(field("event_time").rlike(DATE_TIME_PATTERN))
                        .or(field("event_time").cast("timestamp").isNull())),
                lit("event_time is not an ISO 8601 date-time with offset")));
        if (this == INTERACTIONS) {
            checks.add(notIn("event_type", field("event_type"), "play", "skip", "like", "dislike", "add_to_playlist", "complete"));
            checks.add(notIn("context.device", field("context").getField("device"),
                    "mobile", "desktop", "web", "speaker", "car", "tv", "other"));
            checks.add(notIn("context.activity", field("context").getField("activity"),
                    "workout", "study", "sleep", "commute", "party", "none"));
            checks.add(outOfRange("played_ms", 0, MAX_MS));
            checks.add(outOfRange("track_duration_ms", 0, MAX_MS));
            checks.add(outOfRange("count", 1, 1_000_000));
        } else {
            checks.add(when(field("resource").isNotNull().and(not(field("resource").rlike("^[a-z][a-z0-9_]{0,63}$"))),
                    lit("resource is not a resource name (^[a-z][a-z0-9_]{0,63}$)")));
            checks.add(outOfRange("units", 1, 1_000_000));
        }
        return checks;
    }

    private static Column field(String f) {
        return col(EVENT).getField(f);
    }

    private static Column notIn(String label, Column value, Object... allowed) {
        return when(value.isNotNull().and(not(value.isin(allowed))),
                concat(lit(label + " '"), value, lit("' is not one of " + Arrays.toString(allowed))));
    }

    private static Column outOfRange(String f, long min, long max) {
        return when(field(f).isNotNull().and(field(f).lt(min).or(field(f).gt(max))),
                lit(f + " is outside " + min + ".." + max));
    }

    /**
     * The accepted rows of {@link #classify}'s output as rows of the raw table: the event's fields with the schema's
     * defaults filled in, {@code event_time} as a timestamp, {@code event_date} (its UTC date) and the Kafka lineage
     * ({@code kafka_partition}, {@code kafka_offset}, {@code kafka_timestamp}).
     */
    public Dataset<Row> landedRows(Dataset<Row> classified) {
        return classified.filter(col(REFUSAL_CODE).isNull())
                .select(landedColumns().keySet().stream().map(n -> col(n)).toArray(Column[]::new));
    }

    /** The raw table's columns by name, computed from the parsed event; one definition for schema and values. */
    private Map<String, Column> landedColumns() {
        Column eventTime = field("event_time").cast("timestamp");
        Map<String, Column> cols = new LinkedHashMap<>();
        if (this == INTERACTIONS) {
            for (String f : List.of("org_id", "user_id", "track_id", "event_type")) {
                cols.put(f, field(f));
            }
            cols.put("played_ms", coalesce(field("played_ms"), lit(0L)));
            cols.put("track_duration_ms", coalesce(field("track_duration_ms"), lit(0L)));
            cols.put("event_time", eventTime);
            cols.put("context", struct(coalesce(field("context").getField("device"), lit("other")).as("device"),
                    coalesce(field("context").getField("activity"), lit("none")).as("activity")));
            cols.put("client_event_id", field("client_event_id"));
            cols.put("count", coalesce(field("count"), lit(1)));
        } else {
            for (String f : List.of("org_id", "api_key_id", "resource", "units")) {
                cols.put(f, field(f));
            }
            cols.put("event_time", eventTime);
            cols.put("request_id", field("request_id"));
        }
        cols.put("event_date", DeadLetterRows.utcDate(eventTime));
        cols.put("kafka_partition", col("partition"));
        cols.put("kafka_offset", col("offset"));
        cols.put("kafka_timestamp", col("timestamp"));
        return cols;
    }
}
