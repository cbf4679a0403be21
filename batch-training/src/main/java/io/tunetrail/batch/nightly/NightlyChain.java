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
    private final ChainCosts costs;

    public NightlyChain(List<NightlyJob> jobs) {
        this(jobs, null);
    }

    private NightlyChain(List<NightlyJob> jobs, ChainCosts costs) {
        this.jobs = List.copyOf(jobs);
        this.costs = costs;
    }

    /**
     * The same jobs, each recording its measured cost per org. Only for the nightly run itself: a training request runs
     * the chain inside its own measured job, which would then be counted twice.
     */
    public NightlyChain metered(ChainCosts chainCosts) {
        return new NightlyChain(jobs, chainCosts);
    }

    /** The whole chain of {@link NightlyJobs#ALL}. */
    public static NightlyChain all() {
        return new NightlyChain(NightlyJobs.ALL);
    }

    /** Runs the jobs in order; each job's start, orgs and end go to the context's {@link ChainProgress}. */
    public Result run(NightlyContext context) {
        long start = System.nanoTime();
        List<JobResult> results = new ArrayList<>();
        for (NightlyJob job : jobs) {
            LOG.info("run {}: starting {}", context.runId(), job.name());
            context.progress().jobStarted(job.name(), results.size() + 1, jobs.size());
            JobResult r;
            ChainCosts.JobRun measuring = costs == null ? null : costs.start(context.runId(), job.name(), context.progress());
            try {
                r = job.run(context);
            } catch (RuntimeException e) {
                throw new IllegalStateException("job " + job.name() + " failed: " + e.getMessage(), e);
            } finally {
                if (measuring != null) {
                    measuring.finish(context.progress(), orgsOf(context));
                }
            }
            context.record(r);
            context.progress().jobFinished();
            results.add(r);
            LOG.info("run {}: {}", context.runId(), r.summary());
        }
        return new Result(context.runId(), results, (System.nanoTime() - start) / 1_000_000);
    }

    /** The orgs a job's shared cost is split among; none when the run has no input to name them (the job failed on it). */
    private static List<String> orgsOf(NightlyContext context) {
        try {
            return context.orgs();
        } catch (RuntimeException e) {
            return List.of();
        }
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
