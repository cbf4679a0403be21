package io.tunetrail.batch.nightly;

import io.tunetrail.batch.audio.AudioAnalysisJob;
import io.tunetrail.batch.costs.SparkCpuMeter;
import io.tunetrail.store.costs.CostMeter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cost meter of a nightly run: each job's CPU time, per org. What a job does inside its loop over orgs
 * ({@link ChainProgress#orgs}) is measured for that org alone; what it does for all orgs at once (reading the snapshot,
 * one stage fitting every org) is shared equally among the run's orgs. Each org gets one {@code usage_costs} row per
 * job and run, of kind {@code audio_analysis} for the audio-analysis job and {@code nightly} for the others; the row's
 * details keep the org's own and shared seconds apart.
 */
public final class ChainCosts {
    private final SparkCpuMeter cpu;
    private final CostMeter costs;
    private final Consumer<String> log;

    public ChainCosts(SparkCpuMeter cpu, CostMeter costs, Consumer<String> log) {
        this.cpu = cpu;
        this.costs = costs;
        this.log = log;
    }

    /** The cost kind a job of the chain is priced as. */
    static String kindOf(String job) {
        return job.equals(AudioAnalysisJob.NAME) ? "audio_analysis" : "nightly";
    }

    /** Starts measuring {@code job} of run {@code runId} on this thread; the progress's org loop switches the org measured. */
    JobRun start(String runId, String job, ChainProgress progress) {
        JobRun run = new JobRun(runId, job, cpu.start("nightly/" + runId + "/" + job));
        progress.onOrg(run::org);
        return run;
    }

    /** One job being measured; {@link #finish} on the thread that started it. */
    final class JobRun {
        private final String runId;
        private final String job;
        private final SparkCpuMeter.Measurement whole;
        private final Map<String, double[]> own = new LinkedHashMap<>();
        private SparkCpuMeter.Measurement current;
        private String currentOrg;

        private JobRun(String runId, String job, SparkCpuMeter.Measurement whole) {
            this.runId = runId;
            this.job = job;
            this.whole = whole;
        }

        private void org(String org) {
            closeOrg();
            currentOrg = org;
            current = cpu.start(whole.tag() + "/" + org);
        }

        private void closeOrg() {
            if (current != null) {
                SparkCpuMeter.Cpu used = current.stop();
                own.merge(currentOrg, new double[] {used.executorSeconds(), used.driverSeconds()},
                        (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
                current = null;
            }
        }

        /** Stops measuring and records each org's cost: its own seconds plus an equal share of the job's shared ones. */
        void finish(ChainProgress progress, List<String> runOrgs) {
            progress.onOrg(null);
            closeOrg();
            SparkCpuMeter.Cpu all = whole.stop();
            Set<String> orgs = new LinkedHashSet<>(runOrgs);
            orgs.addAll(own.keySet());
            if (orgs.isEmpty()) {
                return;
            }
            double ownDriver = own.values().stream().mapToDouble(s -> s[1]).sum();
            // The whole job's driver time includes the org loops' (one thread): only the rest is shared.
            double sharedExecutor = all.executorSeconds() / orgs.size();
            double sharedDriver = Math.max(0, all.driverSeconds() - ownDriver) / orgs.size();
            List<String> failed = new ArrayList<>();
            for (String org : orgs) {
                double[] mine = own.getOrDefault(org, new double[2]);
                Map<String, Object> details = Map.of("own_executor_cpu_seconds", mine[0], "own_driver_cpu_seconds", mine[1],
                        "shared_cpu_seconds", sharedExecutor + sharedDriver, "sharing_orgs", orgs.size(), "complete", all.complete());
                try {
                    costs.record(new CostMeter.Run(org, kindOf(job), runId + "/" + job, 1, mine[0] + sharedExecutor, mine[1] + sharedDriver,
                            details));
                } catch (RuntimeException e) {
                    failed.add(org + " (" + e.getMessage() + ")");
                }
            }
            if (!failed.isEmpty()) {
                // The run's results matter more than its cost rows; the log says which are missing.
                log.accept("run " + runId + ": cost of " + job + " not recorded for " + String.join(", ", failed));
            }
        }
    }
}
