package io.tunetrail.batch.testing;

import io.tunetrail.batch.SparkSessions;
import org.apache.spark.sql.SparkSession;

/**
 * The module's tests share one local Spark session per JVM (start-up costs seconds); it is stopped when the JVM
 * exits. Same configuration as the jobs' sessions, with two cores.
 */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSessions.builder("tunetrail-batch-tests", "local[2]").getOrCreate();
            SparkSession s = session;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return session;
    }
}
