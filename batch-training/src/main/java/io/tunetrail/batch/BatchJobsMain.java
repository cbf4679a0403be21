package io.tunetrail.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.land.LandResult;
import io.tunetrail.batch.land.LanderSettings;
import io.tunetrail.model.PlatformConfig;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the batch-training jar, for {@code ./tunetrail} (Spark local[*]) and {@code spark-submit}
 * (cluster): {@code --job <name>} picks the job.
 *
 * <p>Output contract: a short human summary on stdout, then as the last stdout line one JSON object with the figures
 * (the CLI parses it). Exit status 0 on success, 1 with a one-line reason on stderr when the job fails, 2 for a
 * wrong command line. Spark's own logging goes to stderr.
 */
public final class BatchJobsMain {
    /** The jobs this jar can run. */
    static final List<String> JOBS = List.of("land");

    private static final String NAME = "tunetrail-batch-training";
    // Used only when nothing else configures logging (the CLI's local runs): Spark's INFO chatter hides the summary.
    private static final String LOCAL_LOG_CONFIG = "tunetrail/batch-log4j2.properties";

    private BatchJobsMain() {}

    public static void main(String[] args) {
        String job = args.length == 2 && args[0].equals("--job") ? args[1] : null;
        if (job == null || !JOBS.contains(job)) {
            System.err.println(NAME + ": " + (job == null ? "usage: --job <name>" : "unknown job '" + job + "'")
                    + "; known jobs: " + String.join(", ", JOBS));
            System.exit(2);
        }
        if (System.getProperty("spark.master") == null && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOCAL_LOG_CONFIG);
        }
        int status;
        SparkSession spark = null;
        try {
            spark = SparkSessions.forJob("tunetrail-" + job);
            LandResult result = new KafkaToDeltaLander(spark, LanderSettings.from(PlatformConfig.load())).landAll();
            result.tables().forEach(t -> System.out.println(t.summary()));
            System.out.println(new ObjectMapper().writeValueAsString(result.asMap()));
            status = 0;
        } catch (RuntimeException | JsonProcessingException | LinkageError e) {
            String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            System.err.println(NAME + ": job " + job + " failed: " + m.lines().findFirst().orElse(m));
            status = 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        System.exit(status);
    }
}
