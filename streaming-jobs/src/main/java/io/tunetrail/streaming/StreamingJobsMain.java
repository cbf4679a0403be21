package io.tunetrail.streaming;

import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.streaming.common.JobCounters;
import io.tunetrail.streaming.common.RetainedCheckpoints;
import io.tunetrail.streaming.common.StreamSettings;
import io.tunetrail.streaming.session.SessionFeaturesJob;
import io.tunetrail.streaming.usage.UsageCountersJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RestoreMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the streaming-jobs jar, for {@code ./tunetrail stream} (a MiniCluster in its own JVM) and
 * {@code flink run} (a cluster): {@code --job usage-counters|session-features|all} picks the jobs,
 * {@code --until-idle} reads what the topics hold and stops, {@code --bench N} measures (see {@code bench.StreamingBench}).
 * Configuration comes from the environment ({@code TUNETRAIL_*}, see {@code config/tunetrail.sample.properties}) and
 * {@code --set key=value} arguments, so a cluster needs no file. Prints the run's counters as its last line, one
 * JSON object.
 */
public final class StreamingJobsMain {
    /** The jobs this jar can run. */
    static final List<String> JOBS = List.of(UsageCountersJob.NAME, SessionFeaturesJob.NAME);

    private StreamingJobsMain() {}

    /** The report's key for the Flink job id of a detached submission, which returns before the job has counters. */
    static final String DETACHED_JOB_ID = "detached_job_id";

    public static void main(String[] args) throws Exception {
        String job = "all";
        boolean untilIdle = false;
        long bench = -1;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--job" -> job = value(args, ++i, "--job");
                case "--until-idle" -> untilIdle = true;
                case "--bench" -> bench = Long.parseLong(value(args, ++i, "--bench"));
                case "--set" -> {
                    String kv = value(args, ++i, "--set");
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        fail("--set expects key=value, got '" + kv + "'");
                    }
                    overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> fail("unknown argument '" + args[i] + "'; use --job usage-counters|session-features|all, --until-idle, --set key=value");
            }
        }
        if (!job.equals("all") && !JOBS.contains(job)) {
            fail("unknown job '" + job + "'; known jobs: " + String.join(", ", JOBS) + ", all");
        }
        PlatformConfig config = PlatformConfig.load(System.getenv(), overrides);
        if (bench > 0) {
            io.tunetrail.streaming.bench.StreamingBench.run(config, bench);
            return;
        }
        StreamSettings settings = null;
        try {
            settings = StreamSettings.of(config, untilIdle);
        } catch (IllegalArgumentException e) {
            // Refused before anything starts: bad timeouts would lose a checkpoint's results only later, silently.
            fail(e.getMessage());
        }
        List<String> topics = new ArrayList<>(KafkaTopics.names(config));
        topics.addAll(KafkaTopics.resultNames(config));
        KafkaTopics.ensure(config, topics);
        List<String> jobs = job.equals("all") ? JOBS : List.of(job);
        long start = System.nanoTime();
        String name = String.join("+", jobs);
        // A bounded run needs no restore: it re-reads from the earliest offsets and rewrites the same values. It must not
        // restore either: the Kafka connector (3.4.0) never ends a bounded source restored from a checkpoint, because
        // its enumerator signals "no more splits" only after discovering partitions it had not assigned yet.
        // Before listing: an s3a:// checkpoint folder is reached through Flink's Hadoop fallback, set up here.
        settings.checkpointStorage().initializeFileSystems();
        Optional<Path> restore = untilIdle ? Optional.empty() : RetainedCheckpoints.newest(checkpointDirectory(settings, name));
        // On stderr so the last line of stdout stays the report.
        System.err.println(restore.map(p -> "tunetrail-streaming-jobs: restoring " + name + " from the "
                + (RetainedCheckpoints.isSavepoint(p) ? "savepoint " : "retained checkpoint ") + p)
                .orElse("tunetrail-streaming-jobs: no retained checkpoint of " + name + " (nor a savepoint): starting afresh"));
        Map<String, Object> report = new LinkedHashMap<>(run(jobs, settings, restore.map(Path::toString).orElse(null)));
        if (!report.containsKey(DETACHED_JOB_ID)) {
            // Finished: a claimed checkpoint that nothing subsumed (the run ended first) must not be restored by the next
            // run. A detached submission has only started restoring it: the cluster's job owns it now.
            restore.ifPresent(RetainedCheckpoints::discard);
        }
        report.put("restored_from", restore.map(Path::toString).orElse(null));
        report.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
        System.out.println(EventCodec.mapper().writeValueAsString(report));
    }

    /**
     * Runs the jobs as one Flink job (so {@code --job all} runs both at once, also continuously) to its end (an
     * until-idle run, or a cancelled continuous one), restored from {@code restoreFrom} when it is not null, and
     * returns each job's counters under its name (counted since the start or the restore); submitted detached to a
     * cluster ({@code flink run -d}), it returns at once with the job's id under {@link #DETACHED_JOB_ID} instead.
     */
    static Map<String, Object> run(List<String> jobs, StreamSettings settings, String restoreFrom) throws Exception {
        String name = String.join("+", jobs);
        StreamExecutionEnvironment env = environment(settings, name, restoreFrom);
        for (String job : jobs) {
            if (job.equals(UsageCountersJob.NAME)) {
                UsageCountersJob.production(settings).build(env);
            } else {
                SessionFeaturesJob.production(settings).build(env);
            }
        }
        JobExecutionResult result = env.execute("tunetrail " + name);
        if (!result.isJobExecutionResult()) {
            // flink run -d: execute returns once the cluster accepted the job, which has no counters (nor an end) yet.
            return Map.of(DETACHED_JOB_ID, result.getJobID().toHexString());
        }
        Map<String, Object> counters = new LinkedHashMap<>();
        for (String job : jobs) {
            counters.put(job.replace('-', '_'), JobCounters.of(result, job));
        }
        return counters;
    }

    /** A checkpointed environment: exactly-once checkpoints, retained on cancellation, on the configured storage. */
    public static StreamExecutionEnvironment environment(StreamSettings s, String job) {
        return environment(s, job, null);
    }

    /**
     * Where a job's checkpoints go: one directory per job and mode, since a bounded (until-idle) run's source state
     * carries stopping offsets that a continuous run must never inherit, and the other way round.
     */
    public static String checkpointDirectory(StreamSettings s, String job) {
        return s.checkpointDir() + "/" + job + (s.untilIdle() ? "-until-idle" : "");
    }

    /** {@link #environment(StreamSettings, String)}, restored from the checkpoint or savepoint {@code restoreFrom} if not null. */
    public static StreamExecutionEnvironment environment(StreamSettings s, String job, String restoreFrom) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory(s, job));
        // s3a:// checkpoints: this JVM's file systems get the fallback and bucket keys (a MiniCluster's JobManager and
        // TaskManagers write through them; a cluster's read their own config.yaml). Not the job's configuration: that
        // would carry the secret key to the cluster, which ignores it there.
        s.checkpointStorage().initializeFileSystems();
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
            // The job owns the checkpoint it restores: Flink deletes it once a newer one subsumes it, so a later run
            // never goes back to it (and never emits again results it has already committed).
            conf.set(StateRecoveryOptions.RESTORE_MODE, RestoreMode.CLAIM);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, s.allowNonRestoredState());
        }
        if (s.metricsPort() > 0) {
            // The long-running streaming JVM exposes its own metrics the way the API does: Prometheus text over HTTP.
            conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", Integer.toString(s.metricsPort()));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(s.parallelism());
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(s.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setExternalizedCheckpointRetention(
                org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(1000, s.checkpointIntervalMs()));
        // Below the sinks' transaction timeout (StreamSettings checks it): a checkpoint that outlived its transaction would
        // commit data the broker has already aborted.
        env.getCheckpointConfig().setCheckpointTimeout(s.checkpointTimeoutMs());
        return env;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("tunetrail-streaming-jobs: " + message);
        System.exit(2);
    }
}
