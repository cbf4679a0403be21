package io.tunetrail.store.jobs;

import io.tunetrail.model.PlanCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A standing worker: claims jobs of its {@link JobKind}s from their PostgreSQL tables ({@link JobLeases}), runs up to
 * {@code maxJobs} at once, heartbeats each (renewing its lease, sending its progress, learning of a cancellation), and
 * records the outcome: success, a retry after backoff, or a failure for good. Several workers, on any machines, may
 * share the tables. {@link #stop()} (SIGTERM) stops claiming, asks running jobs to stop, and gives back the lease of
 * each job that did not finish, so another worker takes it at once.
 *
 * <p>Logs one line per job as it ends.
 */
public final class JobWorker {
    /**
     * @param once      drain: exit once no job of its kinds is queued or running anywhere, instead of waiting for more
     * @param heartbeat how often a running job's lease is renewed and its progress sent (below a third of the lease)
     */
    public record Options(String id, int maxJobs, Duration poll, boolean once, Duration lease, Duration heartbeat,
            JobLeases.Backoff backoff) {
        public Options {
            if (maxJobs < 1 || poll.toMillis() < 1 || heartbeat.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("a worker needs max jobs >= 1, a poll interval >= 1 ms and heartbeats "
                        + "more often than its lease expires");
            }
        }
    }

    /**
     * Checks a worker's command-line options ({@code --id}, {@code --max-jobs}, {@code --poll-ms}; null when not
     * given), for the CLI and the job jar alike; an {@link IllegalArgumentException} names the option.
     */
    public static void checkCommandLine(String id, String maxJobs, String pollMs) {
        if (id != null && !id.matches("[A-Za-z0-9][A-Za-z0-9@._:-]{0,99}")) {
            throw new IllegalArgumentException("--id must be 1 to 100 letters, digits or @._:- , got '" + id + "'");
        }
        whole("--max-jobs", maxJobs, 1, 64);
        whole("--poll-ms", pollMs, 10, 3_600_000);
    }

    private static void whole(String option, String value, int min, int max) {
        if (value != null && (!value.matches("[0-9]{1,9}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max)) {
            throw new IllegalArgumentException(option + " needs a whole number from " + min + " to " + max + ", got '" + value + "'");
        }
    }

    /** What a run of the worker did, by outcome. */
    public record Summary(int succeeded, int retried, int failed, int cancelled, int released, int lost) {}

    private final List<JobKind> kinds;
    private final List<JobLeases> leases = new ArrayList<>();
    private final Options options;
    private final Consumer<String> log;
    private final Map<String, JobControl> running = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private volatile boolean stopping;

    public JobWorker(DataSource dataSource, PlanCatalog plans, List<JobKind> kinds, Options options, Consumer<String> log) {
        this.kinds = List.copyOf(kinds);
        this.options = options;
        this.log = log;
        for (JobKind kind : kinds) {
            leases.add(new JobLeases(dataSource, plans, kind.table(), options.id(), options.lease(), options.backoff()));
        }
    }

    /** Claims and runs jobs until {@link #stop()} (or, with {@code once}, until nothing is left); then returns. */
    public Summary run() {
        ExecutorService jobs = Executors.newCachedThreadPool(r -> new Thread(r, "tunetrail-job-" + options.id()));
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tunetrail-heartbeat-" + options.id());
            t.setDaemon(true);
            return t;
        });
        try {
            while (!stopping) {
                boolean claimed = false;
                while (!stopping && running.size() < options.maxJobs()) {
                    Optional<Claim> next = claim();
                    if (next.isEmpty()) {
                        break;
                    }
                    claimed = true;
                    start(next.get(), jobs, beats);
                }
                if (options.once() && !claimed && running.isEmpty() && leases.stream().allMatch(l -> l.unfinished() == 0)) {
                    break;
                }
                synchronized (wake) {
                    if (!stopping) {
                        wake.wait(options.poll().toMillis());
                    }
                }
            }
            jobs.shutdown();
            // Every job ends: a stop makes them finish or give up quickly, and either way their lease is settled.
            while (!jobs.awaitTermination(1, TimeUnit.SECONDS)) {
                if (stopping) {
                    running.values().forEach(c -> c.requestStop(JobControl.Stop.SHUTDOWN));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.values().forEach(c -> c.requestStop(JobControl.Stop.SHUTDOWN));
        } finally {
            beats.shutdownNow();
            stopped.countDown();
        }
        return new Summary(succeeded.get(), retried.get(), failed.get(), cancelled.get(), released.get(), lost.get());
    }

    /** Stops claiming and asks running jobs to stop; those that do not finish are released. {@link #run()} then returns. */
    public void stop() {
        stopping = true;
        running.values().forEach(c -> c.requestStop(JobControl.Stop.SHUTDOWN));
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits until {@link #run()} has returned (for a shutdown hook); false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record Claim(JobKind kind, JobLeases leases, LeasedJob job) {}

    private Optional<Claim> claim() {
        for (int i = 0; i < kinds.size(); i++) {
            try {
                Optional<LeasedJob> job = leases.get(i).claimNext();
                if (job.isPresent()) {
                    return Optional.of(new Claim(kinds.get(i), leases.get(i), job.get()));
                }
            } catch (RuntimeException e) {
                // The database may be back at the next poll; a worker outlives an outage.
                log.accept("worker " + options.id() + ": claiming a " + kinds.get(i).table().kind() + " job failed: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private void start(Claim claim, ExecutorService jobs, ScheduledExecutorService beats) {
        LeasedJob job = claim.job();
        JobControl control = new JobControl();
        String key = job.table().kind() + "/" + job.orgId() + "/" + job.jobId();
        running.put(key, control);
        long every = options.heartbeat().toMillis();
        ScheduledFuture<?> beat = beats.scheduleAtFixedRate(() -> heartbeat(claim, control), every, every, TimeUnit.MILLISECONDS);
        jobs.execute(() -> {
            long start = System.nanoTime();
            try {
                execute(claim, control, start);
            } finally {
                beat.cancel(false);
                running.remove(key);
                synchronized (wake) {
                    wake.notifyAll();
                }
            }
        });
    }

    private void heartbeat(Claim claim, JobControl control) {
        LeasedJob job = claim.job();
        try {
            JobLeases.Heartbeat h = claim.leases().heartbeat(job.orgId(), job.jobId(), control.stage(), control.percent());
            if (h == JobLeases.Heartbeat.CANCELLED) {
                control.requestStop(JobControl.Stop.CANCELLED);
            } else if (h == JobLeases.Heartbeat.LOST) {
                control.requestStop(JobControl.Stop.LOST);
            }
        } catch (RuntimeException e) {
            // The next heartbeat tries again; if none gets through, the lease expires and another worker takes over.
            log.accept("worker " + options.id() + ": heartbeat of " + job.describe() + " failed: " + e.getMessage());
        }
    }

    private void execute(Claim claim, JobControl control, long start) {
        LeasedJob job = claim.job();
        String what = "worker " + options.id() + ": " + job.describe() + " (attempt " + job.attempts() + ")";
        try {
            Map<String, Object> result = claim.kind().run(job, control);
            if (control.stop() == JobControl.Stop.CANCELLED || control.stop() == JobControl.Stop.LOST) {
                ended(control, claim, what, start);
            } else if (settle(() -> claim.leases().succeeded(job.orgId(), job.jobId(), result))) {
                succeeded.incrementAndGet();
                log.accept(what + " succeeded in " + seconds(start) + " s " + result);
            } else {
                lost.incrementAndGet();
                log.accept(what + " finished in " + seconds(start) + " s, but its lease was gone: result dropped");
            }
        } catch (Exception e) {
            if (control.stopping()) {
                ended(control, claim, what, start);
                return;
            }
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage().lines().findFirst().orElse("");
            try {
                JobLeases.Failure f = settle(() -> claim.leases().failed(job.orgId(), job.jobId(), reason,
                        !(e instanceof IllegalArgumentException)));
                (f.retried() ? retried : failed).incrementAndGet();
                log.accept(what + (f.retried() ? " failed, retried after " + f.notBefore() : " failed for good") + ": " + reason);
            } catch (RuntimeException lostLease) {
                lost.incrementAndGet();
                log.accept(what + " failed (" + reason + "), and its lease was gone: " + lostLease.getMessage());
            }
        }
    }

    private void ended(JobControl control, Claim claim, String what, long start) {
        LeasedJob job = claim.job();
        switch (control.stop()) {
            case CANCELLED -> {
                cancelled.incrementAndGet();
                log.accept(what + " cancelled after " + seconds(start) + " s");
            }
            case LOST -> {
                lost.incrementAndGet();
                log.accept(what + " stopped after " + seconds(start) + " s: its lease was lost");
            }
            case SHUTDOWN -> {
                boolean gaveBack = releaseQuietly(claim.leases(), job);
                released.incrementAndGet();
                log.accept(what + (gaveBack ? " released" : " stopped (its lease was already gone)") + " as the worker stops");
            }
        }
    }

    /**
     * Records an outcome, trying again on a passing database error (a pool timeout on a busy machine): otherwise the job
     * would sit out its lease and lose an attempt. A lost lease (CONFLICT) is final and not retried.
     */
    private static <T> T settle(java.util.function.Supplier<T> record) {
        for (int attempt = 1; ; attempt++) {
            try {
                return record.get();
            } catch (io.tunetrail.store.StoreException e) {
                if (e.kind() == io.tunetrail.store.StoreException.Kind.CONFLICT || attempt == 3) {
                    throw e;
                }
            }
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recording a job's outcome", e);
            }
        }
    }

    private boolean releaseQuietly(JobLeases jobLeases, LeasedJob job) {
        try {
            return jobLeases.release(job.orgId(), job.jobId());
        } catch (RuntimeException e) {
            log.accept("worker " + options.id() + ": releasing " + job.describe() + " failed (its lease will expire): " + e.getMessage());
            return false;
        }
    }

    private static String seconds(long start) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
    }
}
