package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.tunetrail.model.RejectReason;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How a result topic of the streaming jobs ({@code usage-hourly}, {@code usage-daily}, {@code sessions}) becomes rows
 * of its Delta table, and the table's natural key, on which the lander upserts (MERGE) rather than appends.
 *
 * <p>Why an upsert: a bounded streaming run ({@code ./tunetrail stream --until-idle}) recomputes its windows from the
 * earliest offsets and writes them again, and a continuous run restored from an older savepoint may too; the values
 * are the same (or, for a window still open at the end of a bounded run, newer), so keeping the latest record per key
 * leaves exactly one row per window or session whatever ran how often. Within a batch the record with the highest
 * offset of each key wins (each key is always on one partition: the Flink sinks key records by org or org/user).
 */
public final class ResultFormat {
    public static final ResultFormat USAGE_HOURLY = usage("usage_hourly");
    public static final ResultFormat USAGE_DAILY = usage("usage_daily");

    public static final ResultFormat SESSIONS = new ResultFormat("sessions",
            new StructType()
                    .add("org_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
                    .add("session_start", DataTypes.TimestampType).add("session_end", DataTypes.TimestampType)
                    .add("session_date", DataTypes.DateType).add("duration_ms", DataTypes.LongType)
                    .add("events", DataTypes.LongType).add("tracks_played", DataTypes.LongType)
                    .add("completion_rate", DataTypes.DoubleType).add("skip_rate", DataTypes.DoubleType)
                    .add("minutes_listened", DataTypes.DoubleType).add("distinct_artists", DataTypes.IntegerType)
                    .add("distinct_genres", DataTypes.IntegerType).add("top_genre", DataTypes.StringType)
                    .add("dominant_activity", DataTypes.StringType).add("hour_of_day", DataTypes.IntegerType)
                    .add("day_of_week", DataTypes.IntegerType),
            List.of("org_id", "session_date", "user_id", "session_start"));

    private static ResultFormat usage(String table) {
        return new ResultFormat(table,
                new StructType()
                        .add("org_id", DataTypes.StringType).add("api_key_id", DataTypes.StringType)
                        .add("resource", DataTypes.StringType).add("window_start", DataTypes.TimestampType)
                        .add("window_end", DataTypes.TimestampType).add("usage_date", DataTypes.DateType)
                        .add("units", DataTypes.LongType).add("events", DataTypes.LongType),
                // api_key_id is null for usage without a key: the merge compares it null-safely.
                List.of("org_id", "usage_date", "api_key_id", "resource", "window_start"));
    }

    private static final String ROW = "_row";

    private final String table;
    private final StructType schema;
    private final List<String> key;

    private ResultFormat(String table, StructType schema, List<String> key) {
        this.table = table;
        this.schema = schema;
        this.key = List.copyOf(key);
    }

    public String table() {
        return table;
    }

    public List<String> key() {
        return key;
    }

    /**
     * Parses Kafka rows; adds {@link EventFormat#REFUSAL_CODE} and {@link EventFormat#REFUSAL_REASON} for records
     * that are not JSON or lack a key column (they go to {@code dead_letters}, like refused events).
     */
    public Dataset<Row> classify(Dataset<Row> kafkaRows) {
        Dataset<Row> parsed = kafkaRows.withColumn(ROW, from_json(col("value").cast("string"), schema));
        Column missingKey = lit(false);
        List<Column> missing = new ArrayList<>();
        for (String k : key) {
            if (!k.equals("api_key_id")) {
                missingKey = missingKey.or(col(ROW + "." + k).isNull());
                missing.add(when(col(ROW + "." + k).isNull(), lit(k)));
            }
        }
        return parsed
                .withColumn(EventFormat.REFUSAL_CODE, when(col(ROW).isNull(), lit(RejectReason.MALFORMED_JSON.name()))
                        .when(missingKey, lit(RejectReason.SCHEMA_VIOLATION.name())))
                .withColumn(EventFormat.REFUSAL_REASON, when(col(ROW).isNull(), lit("result record of " + table + " is not a JSON object"))
                        .when(missingKey, concat_ws(", ", lit("result record of " + table + " lacks"),
                                concat_ws(", ", missing.toArray(Column[]::new)))));
    }

    /** The accepted rows in the table's columns, one per key (the newest record of each), plus where they came from. */
    public Dataset<Row> landedRows(Dataset<Row> classified) {
        List<Column> columns = new ArrayList<>();
        for (StructField f : schema.fields()) {
            columns.add(col(ROW + "." + f.name()).as(f.name()));
        }
        columns.add(col("partition").as("kafka_partition"));
        columns.add(col("offset").as("kafka_offset"));
        Column[] keyCols = key.stream().map(k -> col(ROW + "." + k)).toArray(Column[]::new);
        return classified.filter(col(EventFormat.REFUSAL_CODE).isNull())
                .withColumn("_n", row_number().over(Window.partitionBy(keyCols).orderBy(col("offset").desc())))
                .filter(col("_n").equalTo(1))
                .select(columns.toArray(Column[]::new));
    }

    /** The MERGE condition of the table's key between target {@code t} and source {@code s} (null-safe). */
    public String mergeCondition() {
        return String.join(" AND ", key.stream().map(k -> "t." + k + " <=> s." + k).toList());
    }
}
