package io.tunetrail.batch.nightly;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where a run of the chain is: the current job (of how many), the org it works on (of how many) and the time spent,
 * handed to a listener at each step. {@link NightlyChain} reports the jobs; a job reports its orgs by looping over
 * {@link #orgs(List)}. The batch jar prints each step as a {@value #LINE_PREFIX} line (a JSON object) that the CLI
 * draws as a progress bar on a terminal and as plain lines in a log.
 */
public final class ChainProgress {
    /** Prefix of the progress lines on the jar's standard output. */
    public static final String LINE_PREFIX = "progress ";

    /**
     * One step.
     *
     * @param org the org being worked on; null at the start and end of a job
     * @param orgIndex 1-based index of {@code org}; 0 before the first org; {@code orgs} when the job is done
     * @param done true once the job finished
     */
    public record Step(String job, int jobIndex, int jobs, String org, int orgIndex, int orgs, boolean done,
            long jobElapsedMs, long chainElapsedMs) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job);
            m.put("job_index", jobIndex);
            m.put("jobs", jobs);
            m.put("org", org);
            m.put("org_index", orgIndex);
            m.put("orgs", orgs);
            m.put("done", done);
            m.put("job_elapsed_ms", jobElapsedMs);
            m.put("chain_elapsed_ms", chainElapsedMs);
            return m;
        }

        /** How much of the chain is done (0..100): the finished jobs plus the reached share of this job's orgs. */
        public int percentOfChain() {
            if (jobs == 0) {
                return 0;
            }
            double withinJob = done ? 1.0 : orgs == 0 ? 0.0 : (orgIndex - 1) / (double) orgs;
            return (int) Math.floor(100.0 * (jobIndex - 1 + withinJob) / jobs);
        }
    }

    private static final ChainProgress SILENT = new ChainProgress(s -> { }, System::nanoTime);

    private final Consumer<Step> listener;
    private final LongSupplier nanos;
    private final long chainStart;
    private String job = "";
    private int jobIndex;
    private int jobs;
    private long jobStart;
    private int orgs;
    private volatile Consumer<String> onOrg;

    public ChainProgress(Consumer<Step> listener, LongSupplier nanos) {
        this.listener = listener;
        this.nanos = nanos;
        this.chainStart = nanos.getAsLong();
        this.jobStart = chainStart;
    }

    /** Progress nobody listens to (a context built without one). */
    public static ChainProgress silent() {
        return SILENT;
    }

    synchronized void jobStarted(String name, int index, int total) {
        job = name;
        jobIndex = index;
        jobs = total;
        orgs = 0;
        jobStart = nanos.getAsLong();
        emit(null, 0, false);
    }

    synchronized void jobFinished() {
        emit(null, orgs, true);
    }

    /** {@code orgs}, reporting each one to the listener as the loop reaches it. */
    public <T> Iterable<T> orgs(List<T> list) {
        return () -> new Iterator<T>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < list.size();
            }

            @Override
            public T next() {
                T org = list.get(next++);
                synchronized (ChainProgress.this) {
                    orgs = list.size();
                    emit(String.valueOf(org), next, false);
                }
                Consumer<String> watcher = onOrg;
                if (watcher != null) {
                    // On the looping thread: the cost meter tags the org's Spark stages through this thread's properties.
                    watcher.accept(String.valueOf(org));
                }
                return org;
            }
        };
    }

    /** Tells {@code watcher} each org a job's loop reaches, on the looping thread; null stops telling. */
    void onOrg(Consumer<String> watcher) {
        onOrg = watcher;
    }

    private void emit(String org, int orgIndex, boolean done) {
        long now = nanos.getAsLong();
        listener.accept(new Step(job, jobIndex, jobs, org, orgIndex, orgs, done, (now - jobStart) / 1_000_000,
                (now - chainStart) / 1_000_000));
    }
}
