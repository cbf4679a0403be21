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

/**
 * Custom training requests as a kind of job for the standing worker: the same training {@code train --requests} runs
 * ({@link TrainingRequests#train}), its progress the chain's jobs, stopped by cancelling its Spark job group. Every
 * attempt, whatever its outcome, records its measured CPU time and cost for the org ({@link TrainingCosts}, as
 * {@code train --requests} does).
 */
public final class TrainingJobKind implements JobKind {
    private final SparkSession spark;
    private final TrainingRequests training;
    private final TrainingQueue queue;
    private final DataSource db;
    private final TrainingCosts costs;

    public TrainingJobKind(SparkSession spark, TrainingRequests training, TrainingQueue queue, DataSource db, SparkCpuMeter cpu,
            CostMeter costs) {
        this.spark = spark;
        this.training = training;
        this.queue = queue;
        this.db = db;
        this.costs = new TrainingCosts(cpu, costs);
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
        return costs.metered(job.orgId(), job.jobId(), job.attempts(), () -> {
            try {
                TrainingRequests.Trained trained = training.train(db, request,
                        new ChainProgress(step -> control.progress(step.job(), step.percentOfChain()), System::nanoTime));
                return Map.of("model_version_id", trained.modelVersionId());
            } finally {
                spark.sparkContext().clearJobGroup();
            }
        });
    }
}
