package io.tunetrail.batch.nightly;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs one after another in one {@link NightlyContext} and collects their results. The first failing job stops
 * the run (later jobs may need its output); its exception propagates with the job's name in front.
 */
public final class NightlyChain {
    private static final Logger LOG = LoggerFactory.getLogger(NightlyChain.class);

    private final List<NightlyJob> jobs;

    public NightlyChain(List<NightlyJob> jobs) {
        this.jobs = List.copyOf(jobs);
    }

    /** The whole chain of {@link NightlyJobs#ALL}. */
    public static NightlyChain all() {
        return new NightlyChain(NightlyJobs.ALL);
    }

    /** Hears each job of a run as it starts: its name and the share of the chain already done (0..100). */
    public interface Progress {
        void starting(String job, int percentDone);
    }

    public Result run(NightlyContext context) {
        return run(context, (job, percent) -> { });
    }

    public Result run(NightlyContext context, Progress progress) {
        long start = System.nanoTime();
        List<JobResult> results = new ArrayList<>();
        for (NightlyJob job : jobs) {
            progress.starting(job.name(), 100 * results.size() / jobs.size());
            LOG.info("run {}: starting {}", context.runId(), job.name());
            context.progress().jobStarted(job.name(), results.size() + 1, jobs.size());
            JobResult r;
            try {
                r = job.run(context);
            } catch (RuntimeException e) {
                throw new IllegalStateException("job " + job.name() + " failed: " + e.getMessage(), e);
            }
            context.record(r);
            context.progress().jobFinished();
            results.add(r);
            LOG.info("run {}: {}", context.runId(), r.summary());
        }
        return new Result(context.runId(), results, (System.nanoTime() - start) / 1_000_000);
    }

    /** The results of one run of the chain, in job order. */
    public record Result(String runId, List<JobResult> jobs, long durationMs) {
        public Result {
            jobs = List.copyOf(jobs);
        }

        public JobResult job(String name) {
            return jobs.stream().filter(j -> j.job().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no job '" + name + "' in this run"));
        }

        public Map<String, Object> asMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("run_id", runId);
            out.put("duration_ms", durationMs);
            out.put("jobs", jobs.stream().map(JobResult::asMap).toList());
            return out;
        }
    }
}
