package io.tunetrail.batch.catalog;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A Delta table kept as a slowly changing dimension of type 2: every version of a row with {@code valid_from},
 * {@code valid_to} (null while current) and {@code is_current}, so a fact can be joined to the version that held at
 * its time ({@code event_time >= valid_from AND (valid_to IS NULL OR event_time < valid_to)}).
 *
 * <p>{@link #apply} brings the table in line with a full snapshot of the source: a key not seen before gets its first
 * version, a key whose tracked columns changed has its current version closed and a new one opened, a key gone from the
 * source has its current version closed. One MERGE commit; nothing at all is written when nothing changed, so running
 * it twice on the same source adds neither rows nor a Delta version.
 *
 * <p>The first version of a key is valid from {@link #BEGINNING}: the catalog does not say what a track was before the
 * first export saw it, and the first version is the best that is known, so plays older than the first export still
 * join to it. Later versions are valid from the export that saw the change.
 */
public final class SlowlyChangingTable {
    /** {@code valid_from} of the first version of every key. */
    public static final Instant BEGINNING = Instant.EPOCH;
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String IS_CURRENT = "is_current";

    private static final String MERGE_KEY = "_merge_key_";
    private static final String FIRST = "_first_version";

    private final SparkSession spark;
    private final String location;
    private final List<String> key;

    /** {@code key}: the columns that identify a row (org_id first); every other column of a snapshot is tracked. */
    public SlowlyChangingTable(SparkSession spark, String location, List<String> key) {
        this.spark = spark;
        this.location = location;
        this.key = List.copyOf(key);
    }

    /** What one {@link #apply} changed: keys seen for the first time, keys changed, keys closed (gone from the source). */
    public record Changes(long added, long changed, long closed) {
        public boolean none() {
            return added == 0 && changed == 0 && closed == 0;
        }

        public Map<String, Object> asMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("added", added);
            out.put("changed", changed);
            out.put("closed", closed);
            return out;
        }
    }

    /**
     * Applies a full snapshot of the source taken at {@code at}. {@code org}: the snapshot holds only this org's rows,
     * so only its current versions may be closed; empty when it holds every org.
     */
    public Changes apply(Dataset<Row> snapshot, Instant at, Optional<String> org) {
        Timestamp now = Timestamp.from(at);
        List<String> tracked = tracked(snapshot);
        if (!DeltaTable.isDeltaTable(spark, location)) {
            long n = snapshot.count();
            if (n > 0) {
                opened(snapshot, lit(Timestamp.from(BEGINNING))).write().format("delta").mode(SaveMode.Append)
                        .partitionBy("org_id").save(location);
            }
            return new Changes(n, 0, 0);
        }
        DeltaTable target = DeltaTable.forPath(spark, location);
        Dataset<Row> all = target.toDF();
        Dataset<Row> current = all.filter(col(IS_CURRENT));
        if (org.isPresent()) {
            current = current.filter(col("org_id").equalTo(org.get()));
        }
        Dataset<Row> s = snapshot.alias("s");
        Dataset<Row> c = current.alias("c");
        Column sameKey = on("s", "c", key);
        Dataset<Row> changed = s.join(c, sameKey, "inner").filter(not(same("s", "c", tracked))).select("s.*");
        long added = s.join(c, sameKey, "left_anti").count();
        long changedCount = changed.count();
        long closed = c.join(s, on("c", "s", key), "left_anti").count();
        Changes changes = new Changes(added, changedCount, closed);
        if (changes.none()) {
            return changes;
        }
        // The standard staging trick: every snapshot row matched on its key (closes a changed current version, or
        // opens a new key), plus each changed row once more with a null merge key, which never matches and so opens
        // the changed key's new version in the same MERGE.
        Dataset<Row> seen = all.select(key.stream().map(k -> col(k)).toArray(Column[]::new)).distinct()
                .withColumn(FIRST, lit(false));
        Dataset<Row> matched = snapshot;
        Dataset<Row> unmatched = changed;
        for (String k : key) {
            matched = matched.withColumn(MERGE_KEY + k, col(k));
            unmatched = unmatched.withColumn(MERGE_KEY + k, lit(null).cast(snapshot.schema().apply(k).dataType()));
        }
        Dataset<Row> staged = matched.unionByName(unmatched)
                .join(seen, scala.collection.JavaConverters.asScalaBuffer(key).toList(), "left")
                .na().fill(true, new String[] {FIRST});
        Map<String, String> close = Map.of(IS_CURRENT, "false", VALID_TO, timestampSql(now));
        Map<String, String> insert = new LinkedHashMap<>();
        for (String column : snapshot.columns()) {
            insert.put(column, "s.`" + column + "`");
        }
        insert.put(VALID_FROM, "CASE WHEN s." + FIRST + " THEN " + timestampSql(Timestamp.from(BEGINNING)) + " ELSE "
                + timestampSql(now) + " END");
        insert.put(VALID_TO, "CAST(NULL AS TIMESTAMP)");
        insert.put(IS_CURRENT, "true");
        String mergeOn = "t." + IS_CURRENT + " AND " + String.join(" AND ",
                key.stream().map(k -> "t.`" + k + "` = s." + MERGE_KEY + k).toList());
        String gone = "t." + IS_CURRENT + org.map(o -> " AND t.org_id = '" + o.replace("'", "''") + "'").orElse("");
        target.as("t").merge(staged.as("s"), mergeOn)
                .whenMatched("NOT (" + sameSql(tracked) + ")").updateExpr(close)
                .whenNotMatched().insertExpr(insert)
                .whenNotMatchedBySource(gone).updateExpr(close)
                .execute();
        return changes;
    }

    private List<String> tracked(Dataset<Row> snapshot) {
        List<String> out = new ArrayList<>();
        for (String c : snapshot.columns()) {
            if (!key.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static Dataset<Row> opened(Dataset<Row> rows, Column validFrom) {
        return rows.withColumn(VALID_FROM, validFrom)
                .withColumn(VALID_TO, lit(null).cast(DataTypes.TimestampType))
                .withColumn(IS_CURRENT, lit(true));
    }

    private static Column on(String a, String b, List<String> columns) {
        Column c = lit(true);
        for (String k : columns) {
            c = c.and(col(a + "." + k).equalTo(col(b + "." + k)));
        }
        return c;
    }

    /** Null-safe equality of every tracked column: a value that became null, or stopped being null, is a change. */
    private static Column same(String a, String b, List<String> columns) {
        Column c = lit(true);
        for (String k : columns) {
            c = c.and(col(a + ".`" + k + "`").eqNullSafe(col(b + ".`" + k + "`")));
        }
        return c;
    }

    private static String sameSql(List<String> columns) {
        return String.join(" AND ", columns.stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`").toList());
    }

    private static String timestampSql(Timestamp t) {
        // Microseconds since the epoch: exact, and independent of the session's time zone.
        long micros = Math.multiplyExact(t.getTime() / 1000, 1_000_000L) + t.getNanos() / 1000;
        return "timestamp_micros(" + micros + "L)";
    }
}
