package io.tunetrail.batch;

import io.tunetrail.model.OfflineStoreS3aConf;
import io.tunetrail.model.PlatformConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a batch job: Delta Lake enabled, UTC, and sized for a small machine when run locally.
 *
 * <p>Settings given by the runtime win: {@code spark-submit} passes {@code spark.master} and any {@code --conf} as
 * {@code spark.*} system properties, which {@link SparkConf} reads, so a cluster's master and shuffle sizing are kept.
 * Only when nothing is given does a job run in {@code local[*]} with 4 shuffle partitions (the CLI on a laptop).
 */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * A session for a job run by the CLI or by spark-submit, reaching the offline store of {@code config}: an
     * {@code s3a://} store's settings go in as {@code spark.hadoop.*}, so executors on a cluster get them too.
     */
    public static SparkSession forJob(String appName, PlatformConfig config) {
        SparkConf given = new SparkConf();
        SparkSession.Builder b = builder(appName, "local[*]");
        OfflineStoreS3aConf.hadoopConf(config).forEach((key, value) -> defaultTo(b, given, "spark.hadoop." + key, value));
        return b.getOrCreate();
    }

    /**
     * A configured builder; {@code defaultMaster} applies only when {@code spark.master} is not set already. Tests
     * pass {@code local[2]}.
     */
    public static SparkSession.Builder builder(String appName, String defaultMaster) {
        SparkConf given = new SparkConf();
        boolean local = !given.contains("spark.master") || given.get("spark.master").startsWith("local");
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                // Event dates are UTC dates (schemas/offline-store.yaml); display and date functions agree with that.
                .config("spark.sql.session.timeZone", "UTC");
        if (!given.contains("spark.master")) {
            b.master(defaultMaster);
        }
        if (local) {
            defaultTo(b, given, "spark.sql.shuffle.partitions", "4");
            // Delta's default of 50 partitions for reading its log is for big tables; locally it only adds tasks.
            defaultTo(b, given, "spark.databricks.delta.snapshotPartitions", "2");
            defaultTo(b, given, "spark.ui.enabled", "false");
            // A laptop's hostname often does not resolve; local mode needs nothing but loopback.
            defaultTo(b, given, "spark.driver.host", "127.0.0.1");
            defaultTo(b, given, "spark.driver.bindAddress", "127.0.0.1");
        }
        return b;
    }

    private static void defaultTo(SparkSession.Builder b, SparkConf given, String key, String value) {
        if (!given.contains(key)) {
            b.config(key, value);
        }
    }
}
