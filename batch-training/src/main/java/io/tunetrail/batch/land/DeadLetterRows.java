package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_seconds;

import io.tunetrail.model.DeadLetter;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Rows of the {@code dead_letters} table, from the dead-letter topic or from records the lander itself refuses.
 *
 * <p>Columns: {@code original_key} (UTF-8), {@code original_value_base64} (the bytes exactly, they may not be text),
 * {@code source_topic}, {@code source_partition}, {@code source_offset} (where the bytes first arrived),
 * {@code reason_code}, {@code reason}, {@code failed_at}, {@code stage}, {@code failed_date} (UTC), and
 * {@code kafka_topic}, {@code kafka_partition}, {@code kafka_offset}, {@code kafka_timestamp}: the Kafka record this
 * row was landed from (the dead-letter topic's record, or the event topic's record the lander refused).
 */
public final class DeadLetterRows {
    /** The {@code stage} of records refused by the lander. */
    public static final String LANDER_STAGE = "lander";
    /** The {@code stage} of a dead letter whose producer set no stage header (a partition value must not be null). */
    public static final String UNKNOWN_STAGE = "unknown";
    /** What makes two letters the same refusal: one stage refusing the record at one position of its source topic. */
    public static final List<String> IDENTITY = List.of("stage", "source_topic", "source_partition", "source_offset");

    private DeadLetterRows() {}

    /** The UTC calendar date of a timestamp, whatever the session time zone. */
    public static Column utcDate(Column timestamp) {
        return functions.date_from_unix_date(floor(unix_seconds(timestamp).divide(86_400)).cast("int"));
    }

    /** The refused rows of {@link EventFormat#classify}'s output as dead letters with stage {@code lander}. */
    public static Dataset<Row> refusedRows(Dataset<Row> classified) {
        Column failedAt = current_timestamp();
        return classified.filter(col(EventFormat.REFUSAL_CODE).isNotNull()).select(
                col("key").cast("string").as("original_key"),
                base64(col("value")).as("original_value_base64"),
                col("topic").as("source_topic"),
                col("partition").as("source_partition"),
                col("offset").as("source_offset"),
                col(EventFormat.REFUSAL_CODE).as("reason_code"),
                col(EventFormat.REFUSAL_REASON).as("reason"),
                failedAt.as("failed_at"),
                lit(LANDER_STAGE).as("stage"),
                utcDate(failedAt).as("failed_date"),
                col("topic").as("kafka_topic"),
                col("partition").as("kafka_partition"),
                col("offset").as("kafka_offset"),
                col("timestamp").as("kafka_timestamp"));
    }

    /** Records of the dead-letter topic, read with {@code includeHeaders=true}, as dead letters. */
    public static Dataset<Row> fromDeadLetterTopic(Dataset<Row> kafkaRows) {
        // An unparsable or missing tt.failed.at must not lose the letter: the broker's timestamp is close enough.
        Column failedAt = coalesce(header(DeadLetter.HEADER_FAILED_AT).cast("timestamp"), col("timestamp"));
        return kafkaRows.select(
                col("key").cast("string").as("original_key"),
                base64(col("value")).as("original_value_base64"),
                header(DeadLetter.HEADER_SOURCE_TOPIC).as("source_topic"),
                header(DeadLetter.HEADER_SOURCE_PARTITION).cast("int").as("source_partition"),
                header(DeadLetter.HEADER_SOURCE_OFFSET).cast("long").as("source_offset"),
                header(DeadLetter.HEADER_REASON_CODE).as("reason_code"),
                header(DeadLetter.HEADER_REASON).as("reason"),
                failedAt.as("failed_at"),
                coalesce(header(DeadLetter.HEADER_STAGE), lit(UNKNOWN_STAGE)).as("stage"),
                utcDate(failedAt).as("failed_date"),
                col("topic").as("kafka_topic"),
                col("partition").as("kafka_partition"),
                col("offset").as("kafka_offset"),
                col("timestamp").as("kafka_timestamp"));
    }

    /** The first header of that name as a UTF-8 string, null when absent. */
    private static Column header(String name) {
        return expr("cast(try_element_at(filter(headers, h -> h.key = '" + name + "'), 1).value as string)");
    }
}
