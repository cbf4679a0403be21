package io.tunetrail.batch.land;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.model.OfflineStoreLayout;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflinePeekTest {
    private final SparkSession spark = LocalSpark.get();

    @TempDir
    Path lake;

    @Test
    @SuppressWarnings("unchecked")
    void showsTheNewestRowsOfOneOrgAndNothingForATableNotWrittenYet() throws Exception {
        StructType schema = new StructType().add("org_id", DataTypes.StringType).add("usage_date", DataTypes.DateType)
                .add("units", DataTypes.LongType);
        Dataset<Row> rows = spark.createDataFrame(List.of(
                RowFactory.create("acme", Date.valueOf("2026-11-20"), 5L),
                RowFactory.create("acme", Date.valueOf("2026-11-22"), 7L),
                RowFactory.create("acme", Date.valueOf("2026-11-21"), 6L),
                RowFactory.create("other", Date.valueOf("2026-11-23"), 99L)), schema);
        String location = OfflineStoreLayout.load().table("usage_daily").location(lake.toString());
        rows.write().format("delta").save(location);

        Map<String, Object> result = new OfflinePeek(spark, lake.toString()).peek(List.of("usage_daily", "sessions"), "acme", 2);
        List<Map<String, Object>> tables = (List<Map<String, Object>>) result.get("peek");
        List<JsonNode> usage = (List<JsonNode>) tables.get(0).get("rows");
        assertThat(usage).extracting(r -> r.path("units").asLong()).containsExactly(7L, 6L);
        assertThat(tables.get(1).get("table")).isEqualTo("sessions");
        assertThat((List<JsonNode>) tables.get(1).get("rows")).isEmpty();
    }
}
