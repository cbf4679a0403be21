package io.tunetrail.batch.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.tunetrail.batch.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The module's tests share one local Spark session per JVM (start-up costs seconds); it is stopped when the JVM
 * exits. Same configuration as the jobs' sessions, with two cores.
 *
 * <p>The session is spark-testing-base's ({@link JavaDataFrameSuiteBase}), so its DataFrame assertions work on it:
 * {@link #assertSameRows}. spark-testing-base is written for JUnit 4's lifecycle (STACK.md gotcha 4); rather than
 * calling {@code runBefore()}/{@code runAfterClass()} from every JUnit 5 class, which would stop and restart Spark
 * between classes, one instance is started here once, and stopped by a shutdown hook.
 */
public final class LocalSpark {
    private static Frames frames;

    private LocalSpark() {}

    public static synchronized SparkSession get() {
        return frames().spark();
    }

    /** Fails unless both frames hold the same rows, in any order (columns compared by position, data not schemas). */
    public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        frames().assertDataFrameDataEquals(expected, actual);
    }

    /** As {@link #assertSameRows}, numbers equal within {@code tolerance}. */
    public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
        frames().assertDataFrameApproximateEquals(expected.orderBy(expected.columns()[0], rest(expected)),
                actual.orderBy(actual.columns()[0], rest(actual)), tolerance);
    }

    private static String[] rest(Dataset<Row> frame) {
        String[] cols = frame.columns();
        return java.util.Arrays.copyOfRange(cols, 1, cols.length);
    }

    private static synchronized Frames frames() {
        if (frames == null) {
            Frames f = new Frames();
            f.runBefore();
            SparkSession s = f.spark();
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
            frames = f;
        }
        return frames;
    }

    /** spark-testing-base's suite, configured like the jobs: Delta, UTC, local[2], no Hive. */
    private static final class Frames extends JavaDataFrameSuiteBase {
        @Override
        public SparkConf conf() {
            // The SparkContext exists before the session, and a session takes its extensions from the context's
            // conf, not from the builder: Delta's must be here or Delta's DML (replaceWhere, DELETE) fails to plan.
            return new SparkConf().setMaster("local[2]").setAppName("tunetrail-batch-tests")
                    .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                    .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
        }

        @Override
        public boolean enableHiveSupport() {
            return false;
        }

        @Override
        public SparkSession.Builder builder() {
            return SparkSessions.builder("tunetrail-batch-tests", "local[2]");
        }
    }
}
