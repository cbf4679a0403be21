package io.tunetrail.batch;

import io.tunetrail.model.OfflineStoreS3aConf;
import io.tunetrail.model.PlatformConfig;
import org.apache.spark.sql.SparkSession;

/** The offline store's S3A settings ({@link OfflineStoreS3aConf}) on a running Spark session. */
public final class OfflineStoreS3a {
    private OfflineStoreS3a() {}

    /**
     * Sets the store's S3A settings on a running session's Hadoop configuration, for a session started before the
     * configuration was known (the tests' shared one). Jobs pass them at start instead ({@link SparkSessions#forJob}),
     * where they reach the executors of a cluster too.
     */
    public static void applyTo(SparkSession spark, PlatformConfig config) {
        OfflineStoreS3aConf.hadoopConf(config).forEach(spark.sparkContext().hadoopConfiguration()::set);
    }
}
