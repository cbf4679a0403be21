package io.tunetrail.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.batch.land.KafkaToDeltaLander;
import io.tunetrail.batch.land.LandResult;
import io.tunetrail.batch.land.LanderSettings;
import io.tunetrail.batch.nightly.JobResult;
import io.tunetrail.batch.nightly.NightlyChain;
import io.tunetrail.batch.nightly.NightlyContext;
import io.tunetrail.batch.nightly.NightlyJob;
import io.tunetrail.batch.nightly.NightlyJobs;
import io.tunetrail.model.PlatformConfig;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the batch-training jar, for {@code ./tunetrail} (Spark local[*]) and {@code spark-submit}
 * (cluster).
 *
 * <p>Command lines:
 * <ul>
 *   <li>{@code --job land}: the raw topics into Delta ({@link KafkaToDeltaLander}).</li>
 *   <li>{@code --job NAME [--org ORG]}: one nightly job ({@link NightlyJobs} lists them).</li>
 *   <li>{@code --all [--org ORG]}: the whole nightly chain, in {@link NightlyJobs#ALL}'s order.</li>
 * </ul>
 *
 * <p>Output contract: a short human summary on stdout, then as the last stdout line one JSON object with the figures
 * (the CLI parses it). Exit status 0 on success, 1 with a one-line reason on stderr when the job fails, 2 for a
 * wrong command line. Spark's own logging goes to stderr.
 */
public final class BatchJobsMain {
    private static final String NAME = "tunetrail-batch-training";
    // Used only when nothing else configures logging (the CLI's local runs): Spark's INFO chatter hides the summary.
    private static final String LOCAL_LOG_CONFIG = "tunetrail/batch-log4j2.properties";
    private static final String USAGE = "usage: --job land | --job <nightly job> [--org ORG] | --all [--org ORG]";

    private BatchJobsMain() {}

    /** A parsed command line. {@code job} is null for {@code --all}. */
    record Command(String job, boolean all, String org) {
        static Command parse(String[] args) {
            String job = null;
            String org = null;
            boolean all = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--job" -> job = value(args, ++i, "--job");
                    case "--org" -> org = value(args, ++i, "--org");
                    case "--all" -> all = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (all == (job != null)) {
                throw new IllegalArgumentException("give exactly one of --job NAME and --all");
            }
            if (job != null && !job.equals("land")) {
                NightlyJobs.byName(job);
            }
            if (org != null && "land".equals(job)) {
                throw new IllegalArgumentException("--org does not apply to land (it lands every org's events)");
            }
            return new Command(job, all, org);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    public static void main(String[] args) {
        Command command;
        try {
            command = Command.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(NAME + ": " + e.getMessage() + "; " + USAGE + "; nightly jobs: " + NightlyJobs.names());
            System.exit(2);
            return;
        }
        if (System.getProperty("spark.master") == null && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOCAL_LOG_CONFIG);
        }
        String what = command.all() ? "all" : command.job();
        int status;
        SparkSession spark = null;
        try {
            spark = SparkSessions.forJob("tunetrail-" + what);
            PlatformConfig config = PlatformConfig.load();
            Map<String, Object> json = "land".equals(command.job()) ? land(spark, config) : nightly(spark, config, command);
            System.out.println(new ObjectMapper().writeValueAsString(json));
            status = 0;
        } catch (Exception | LinkageError e) {
            String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            System.err.println(NAME + ": job " + what + " failed: " + m.lines().findFirst().orElse(m));
            status = 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        System.exit(status);
    }

    private static Map<String, Object> land(SparkSession spark, PlatformConfig config) {
        LandResult result = new KafkaToDeltaLander(spark, LanderSettings.from(config)).landAll();
        result.tables().forEach(t -> System.out.println(t.summary()));
        return result.asMap();
    }

    private static Map<String, Object> nightly(SparkSession spark, PlatformConfig config, Command command) {
        List<NightlyJob> jobs = command.all() ? NightlyJobs.ALL : List.of(NightlyJobs.byName(command.job()));
        try (NightlyContext context = NightlyContext.builder(spark, config).org(command.org()).build()) {
            NightlyChain.Result result = new NightlyChain(jobs).run(context);
            result.jobs().stream().map(JobResult::summary).forEach(System.out::println);
            return result.asMap();
        }
    }
}
