package io.tunetrail.batch.land;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.model.OfflineStoreLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The newest few rows of offline-store tables, for people: the demo reads back what the streaming jobs' results
 * became in Delta, and an analyst checks a table without a notebook ({@code BatchJobsMain --peek TABLE[,TABLE]}).
 * "Newest" is by the table's first date or timestamp column. Each table that exists also gets its whole size from
 * Delta's snapshot ({@link DeltaTableStats}): {@code table_rows}, {@code table_orgs}, {@code delta_version}.
 */
public final class OfflinePeek {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;
    private final String storeRoot;
    private final OfflineStoreLayout layout = OfflineStoreLayout.load();

    public OfflinePeek(SparkSession spark, String storeRoot) {
        this.spark = spark;
        this.storeRoot = storeRoot;
    }

    /** Up to {@code n} rows of each table, of one org when {@code orgId} is given; a table not written yet has none. */
    public Map<String, Object> peek(List<String> tables, String orgId, int n) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : tables) {
            OfflineStoreLayout.Table table = layout.table(name);
            String location = table.location(storeRoot);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("table", name);
            entry.put("location", location);
            List<JsonNode> rows = new ArrayList<>();
            Optional<DeltaTableStats> stats = DeltaTableStats.read(spark, location);
            if (stats.isPresent()) {
                entry.put("table_rows", stats.get().rows());
                entry.put("table_orgs", stats.get().orgs());
                entry.put("delta_version", stats.get().version());
                Dataset<Row> df = spark.read().format("delta").load(location);
                if (orgId != null) {
                    df = df.filter(col("org_id").equalTo(orgId));
                }
                Optional<String> time = Arrays.stream(df.schema().fields())
                        .filter(f -> f.dataType().equals(DataTypes.TimestampType) || f.dataType().equals(DataTypes.DateType))
                        .map(StructField::name).findFirst();
                if (time.isPresent()) {
                    df = df.orderBy(col(time.get()).desc());
                }
                for (String json : df.limit(n).toJSON().collectAsList()) {
                    rows.add(JSON.readTree(json));
                }
            }
            entry.put("rows", rows);
            out.add(entry);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("peek", out);
        return result;
    }
}
