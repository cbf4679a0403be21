package io.tunetrail.batch.nightly;

import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.store.costs.CostMeter;
import io.tunetrail.store.jobs.JobControl;
import io.tunetrail.store.jobs.JobKind;
import io.tunetrail.store.jobs.JobTable;
import io.tunetrail.store.jobs.LeasedJob;
import io.tunetrail.store.registry.TrainingQueue;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Custom training requests as a kind of job for the standing worker: the same training {@code train --requests} runs
 * ({@link TrainingRequests#train}), its progress the chain's jobs, stopped by cancelling its Spark job group. Every
 * attempt, whatever its outcome, records its measured CPU time and cost for the org ({@link CostMeter}).
 */
public final class TrainingJobKind implements JobKind {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJobKind.class);

    private final SparkSession spark;
    private final TrainingRequests training;
    private final TrainingQueue queue;
    private final DataSource db;
    private final SparkCpuMeter cpu;
    private final CostMeter costs;

    public TrainingJobKind(SparkSession spark, TrainingRequests training, TrainingQueue queue, DataSource db, SparkCpuMeter cpu,
            CostMeter costs) {
        this.spark = spark;
        this.training = training;
        this.queue = queue;
        this.db = db;
        this.cpu = cpu;
        this.costs = costs;
    }

    @Override
    public JobTable table() {
        return JobTable.TRAINING;
    }

    @Override
    public Map<String, Object> run(LeasedJob job, JobControl control) {
        var request = queue.get(job.orgId(), job.jobId()).orElseThrow(() -> new IllegalStateException(
                "training request " + job.jobId() + " of " + job.orgId() + " vanished while claimed"));
        // Spark's job group is per thread: cancelling it stops this request's stages only, not other jobs of the worker.
        String group = "tunetrail-" + job.table().kind() + "-" + job.jobId();
        spark.sparkContext().setJobGroup(group, job.describe(), true);
        control.onStop(() -> spark.sparkContext().cancelJobGroup(group));
        SparkCpuMeter.Measurement measuring = cpu.start(job.table().kind() + "/" + job.jobId() + "/" + job.attempts());
        try {
            TrainingRequests.Trained trained = training.train(db, request,
                    new ChainProgress(step -> control.progress(step.job(), step.percentOfChain()), System::nanoTime));
            return Map.of("model_version_id", trained.modelVersionId());
        } finally {
            spark.sparkContext().clearJobGroup();
            record(job, measuring);
        }
    }

    /** A failed or cancelled attempt used CPU too, so it is recorded like a successful one. */
    private void record(LeasedJob job, SparkCpuMeter.Measurement measuring) {
        SparkCpuMeter.Cpu used = measuring.stop();
        try {
            costs.record(new CostMeter.Run(job.orgId(), "training", job.jobId(), job.attempts(), used.executorSeconds(), used.driverSeconds(),
                    Map.of("tag", measuring.tag(), "complete", used.complete())));
        } catch (RuntimeException e) {
            // The training's outcome must not be lost over its cost row; the log keeps the figures to re-enter.
            LOG.error("cost of {} (attempt {}) not recorded: executor {} s, driver {} s CPU: {}", job.describe(), job.attempts(),
                    used.executorSeconds(), used.driverSeconds(), e.getMessage());
        }
    }
}
