package io.tunetrail.batch.analytics;

import io.delta.tables.DeltaTable;
import io.tunetrail.model.OfflineStoreLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the analytics jobs read, pinned to Delta versions so every job of a run sees the same data and a version of
 * their output says what it was computed from.
 *
 * @param interactions the raw interactions at {@code versions.interactions}
 * @param catalogTracks the catalog snapshot at {@code versions.catalog_tracks}
 * @param versions Delta version of each input table, by table name
 */
public record AnalyticsInputs(Dataset<Row> interactions, Dataset<Row> catalogTracks, Map<String, Long> versions) {

    public AnalyticsInputs {
        versions = Map.copyOf(versions);
    }

    /** The current versions of {@code interactions} and {@code catalog_tracks} under {@code storeRoot}. */
    public static AnalyticsInputs latest(SparkSession spark, String storeRoot) {
        OfflineStoreLayout layout = OfflineStoreLayout.load();
        Map<String, Long> versions = new LinkedHashMap<>();
        Dataset<Row> interactions = pinned(spark, layout, storeRoot, "interactions", versions,
                "land the topics first (./tunetrail land)");
        Dataset<Row> catalog = pinned(spark, layout, storeRoot, CatalogSnapshot.TABLE, versions,
                "export the catalog first (CatalogSnapshot.export)");
        return new AnalyticsInputs(interactions, catalog, versions);
    }

    private static Dataset<Row> pinned(SparkSession spark, OfflineStoreLayout layout, String root, String table,
                                       Map<String, Long> versions, String fix) {
        String location = layout.table(table).location(root);
        if (!DeltaTable.isDeltaTable(spark, location)) {
            throw new IllegalStateException("the offline store has no " + table + " table at " + location + "; " + fix);
        }
        long version = DeltaTable.forPath(spark, location).history(1).select("version").first().getLong(0);
        versions.put(table, version);
        return spark.read().format("delta").option("versionAsOf", version).load(location);
    }
}
