package io.tunetrail.batch;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.delta.tables.DeltaTable;
import io.tunetrail.batch.marts.MartsJob;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.OfflineTables;
import io.tunetrail.batch.testing.LocalSpark;
import io.tunetrail.batch.testing.SharedNightlyRun;
import io.tunetrail.model.OfflineStoreLayout;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code schemas/offline-store.yaml} against the tables the platform really writes: a small synthetic week landed
 * (with usage events through Kafka) and run through the whole nightly chain, with one registered audio file so the
 * audio tables are written too ({@link SharedNightlyRun}, the run other ITs of the JVM look at as well). Then every
 * Delta table under the store root must be documented, every documented table must exist, and their columns and
 * types must agree both ways.
 */
class OfflineStoreDocumentedIT {
    @RegisterExtension
    static final SharedNightlyRun RUN = new SharedNightlyRun();

    private static SparkSession spark;
    private static Path store;
    private static NightlyChain.Result result;
    private static String org;

    @BeforeAll
    static void takeTheSharedRun() {
        spark = LocalSpark.get();
        store = RUN.store();
        result = RUN.first();
        org = RUN.usageOrg();
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
        try (java.sql.Connection c = RUN.db().dataSource().getConnection();
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
