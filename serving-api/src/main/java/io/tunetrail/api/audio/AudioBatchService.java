package io.tunetrail.api.audio;

import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.audio.AudioAnalysis;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.StoreException;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.AudioObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch analysis jobs: files (uploaded with the request, or object-store keys of the org's earlier uploads) are
 * recorded in PostgreSQL ({@link AudioJobStore}) and worked through one file at a time on the API's own analysis pool
 * ({@link AudioAnalysisService#runOnPool}), beside single uploads and never more than its threads.
 *
 * <p><b>Why the API's pool, not the standing job worker.</b> The worker leases whole jobs and runs outside the API; a
 * batch needs per-file quota decisions in the API's Redis limiter, per-file refunds and usage events published by the
 * API's publisher, exactly as a single upload is settled. Doing that here keeps one settling path; the per-file claim
 * with a lease gives what the worker would have (surviving a restart, several instances sharing the queue).
 *
 * <p><b>Quota.</b> Each file is counted when it is claimed, once (the count is recorded with the file, so a file
 * claimed again after a restart is not counted again), quota only (the request was rate-limited when it came). A file
 * refused by the analyser or the store gives its unit back; an analysed one publishes its usage event. When the count
 * is refused the quota has run out: the file and every queued file of its job become {@code skipped_quota}.
 */
public final class AudioBatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AudioBatchService.class);
    /** The route the per-file counts are attributed to in the key's usage by route. */
    public static final String ROUTE = "POST /api/v1/audio/batch-analyze";
    /**
     * How long the dispatcher waits when there is nothing to claim. A submit on this instance wakes it at once; only a
     * lease that ran out (an instance stopped mid-file) or another instance's submit is found by looking, and neither is
     * urgent. It also looks once when it starts, so a restart takes up what a stopped instance left.
     */
    private static final long IDLE_MILLIS = 30_000;
    /** The wait after the pool refused a file or the database failed: nothing wakes the dispatcher for those. */
    private static final long RETRY_MILLIS = 500;

    /**
     * One file of a batch: its bytes (an upload, to be kept; read only when kept, so one file at a time is in memory) or
     * the key of an object already in the store.
     */
    public record BatchFile(Supplier<byte[]> audio, String objectKey, String fileName, String trackId) {}

    /** The webhook event queued when a job's last file reached its final status. */
    public static final String COMPLETED_EVENT = "audio.batch_completed";

    /** The data of {@link #COMPLETED_EVENT}: the job, its counts by file status and where to read it. */
    public static java.util.Map<String, Object> completedEvent(String jobId, java.util.Map<String, Integer> counts) {
        return java.util.Map.of("job_id", jobId, "counts", counts, "status_url", statusUrl(jobId));
    }

    public record Accepted(String jobId, String statusUrl, int files) {}

    private final AudioSettings settings;
    private final AudioObjectStore objects;
    private final AudioJobStore jobs;
    private final AudioAnalysisService pool;
    private final CatalogService catalog;
    private final OrgStore orgs;
    private final PlanCatalog plans;
    private final UsageLimiter limiter;
    private final EventPublisher events;
    private final Clock clock;
    private final MeteredAnalyser analyser;
    private final io.tunetrail.store.costs.CostCap costCap;
    private final Semaphore inFlight;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Object wake = new Object();
    /** A submit since the dispatcher last looked (guarded by {@code wake}): one between its empty claim and its wait counts. */
    private boolean submitted;
    private Thread dispatcher;

    public AudioBatchService(AudioSettings settings, MeteredAnalyser analyser, AudioObjectStore objects, AudioJobStore jobs,
            AudioAnalysisService pool, CatalogService catalog, OrgStore orgs, PlanCatalog plans, io.tunetrail.store.costs.CostCap costCap,
            UsageLimiter limiter, EventPublisher events, Clock clock) {
        this.settings = settings;
        this.costCap = costCap;
        this.analyser = analyser;
        this.objects = objects;
        this.jobs = jobs;
        this.pool = pool;
        this.catalog = catalog;
        this.orgs = orgs;
        this.plans = plans;
        this.limiter = limiter;
        this.events = events;
        this.clock = clock;
        // A batch never holds more than the pool's threads, so an interactive upload finds at least a queue slot.
        this.inFlight = new Semaphore(settings.threads());
    }

    /** Records a job of these files for the caller's org (uploads are kept in the object store first). */
    public Accepted submit(Principal p, String source, List<BatchFile> files) {
        if (files.isEmpty()) {
            throw ApiErrors.missingField(source.equals("upload") ? "file" : "files");
        }
        if (files.size() > settings.batch().maxFiles()) {
            throw ApiErrors.invalidField(source.equals("upload") ? "file" : "files", "a batch takes at most " + settings.batch().maxFiles()
                    + " files (api.audio.batch-max-files); got " + files.size());
        }
        // Every named track is checked before anything is kept: another org's track is 404 for the whole request.
        for (BatchFile f : files) {
            if (f.trackId() != null && !f.trackId().isBlank()) {
                catalog.track(p, Check.id("track_id", f.trackId()));
            }
        }
        // Batch audio is costly work: at a hard-stop cost cap it is refused before a file is kept.
        jobs.admit(costCap, p.orgId());
        String jobId = "ajob_" + UUID.randomUUID().toString().replace("-", "");
        List<AudioJobStore.NewFile> rows = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            BatchFile f = files.get(i);
            String analysisId = AudioAnalysisWriter.newAnalysisId();
            String key = f.objectKey();
            if (f.audio() != null) {
                byte[] audio = f.audio().get();
                key = objects.put(p.orgId(), AudioAnalysisService.objectName(analysisId, audio), audio);
            }
            String track = f.trackId() == null || f.trackId().isBlank() ? null : f.trackId();
            rows.add(new AudioJobStore.NewFile(key, f.fileName(), track, analysisId));
        }
        jobs.create(new AudioJobStore.NewJob(p.orgId(), jobId, p.keyId(), source, rows));
        synchronized (wake) {
            submitted = true;
            wake.notifyAll();
        }
        return new Accepted(jobId, statusUrl(jobId), files.size());
    }

    /** Batch files waiting in PostgreSQL, for every instance (a gauge: NaN while PostgreSQL does not answer). */
    public double queuedFiles() {
        try {
            return jobs.queuedFiles();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Batch files this instance is analysing now. */
    public int filesInFlight() {
        return settings.threads() - inFlight.availablePermits();
    }

    public static String statusUrl(String jobId) {
        return "/api/v1/audio/jobs/" + jobId;
    }

    /** Starts claiming files (queued ones of earlier runs included). */
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        dispatcher = new Thread(this::dispatch, "tunetrail-audio-batch");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    private void dispatch() {
        while (running.get() && !Thread.currentThread().isInterrupted()) {
            try {
                // A finished file releases a permit, so this wait ends as soon as the pool has room again.
                if (!inFlight.tryAcquire(IDLE_MILLIS, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                Optional<AudioJobStore.ClaimedFile> claimed = jobs.claimNext(UUID.randomUUID().toString(), settings.batch().leaseMillis());
                if (claimed.isEmpty()) {
                    inFlight.release();
                    idle(IDLE_MILLIS);
                    continue;
                }
                AudioJobStore.ClaimedFile f = claimed.get();
                try {
                    pool.runOnPool(() -> {
                        try {
                            process(f);
                        } catch (RuntimeException e) {
                            // The claim stays until its lease lapses; the file is then claimed again (not counted again).
                            LOG.warn("batch file {}#{} of org {} could not be settled: {}", f.jobId(), f.position(), f.orgId(), e.toString());
                        } finally {
                            inFlight.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.release();
                    jobs.release(f);
                    idle(RETRY_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("claiming batch audio files failed, retrying: {}", e.toString());
                idle(RETRY_MILLIS);
            }
        }
    }

    /** Waits for a submit or {@code millis}; an interrupt (close) is kept for the loop to see. */
    private void idle(long millis) {
        synchronized (wake) {
            try {
                if (!submitted) {
                    wake.wait(millis);
                }
                submitted = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts, reads, analyses and settles one claimed file. */
    void process(AudioJobStore.ClaimedFile f) {
        Instant countedAt = f.countedAt();
        if (countedAt == null) {
            Optional<Counted> counted = count(f);
            if (counted.isEmpty()) {
                return;
            }
            countedAt = counted.get().at();
        }
        byte[] audio;
        try {
            audio = objects.get(f.orgId(), f.objectKey());
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.NOT_FOUND && e.kind() != StoreException.Kind.INVALID) {
                refundThen(f, countedAt, "failed", "object_unreadable", "object '" + f.objectKey() + "' could not be read from the audio store");
                return;
            }
            // The store answers another org's key as "not found", like a missing object, so that neither reveals the
            // other org's objects; both are a key this org cannot use.
            refundThen(f, countedAt, "refused", "foreign_object_key", "object '" + f.objectKey() + "' is not an object of this org's "
                    + "audio; name objects this org uploaded");
            return;
        } catch (RuntimeException e) {
            refundThen(f, countedAt, "failed", "object_unreadable", "object '" + f.objectKey() + "' could not be read from the audio store");
            return;
        }
        AudioAnalysis a;
        try {
            a = analyser.analyse(f.orgId(), f.jobId() + "/" + f.position(), "batch", audio);
        } catch (AudioInputException e) {
            refundThen(f, countedAt, "refused", AudioAnalysisService.refusal(e).code(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            refundThen(f, countedAt, "failed", "analysis_failed", "the analyser failed on this file");
            LOG.warn("batch file {}#{} of org {}: the analyser failed", f.jobId(), f.position(), f.orgId(), e);
            return;
        }
        var analysis = new AudioAnalysisWriter.TrackAnalysis(f.orgId(), f.analysisId(), f.trackId(), a.analyserVersion(),
                AnalysisJson.write(a.features()), AnalysisJson.write(a.document()), a.features().durationMs(), f.objectKey(), null,
                a.embedding().vector(), a.embedding().model());
        if (jobs.analysed(f, analysis)) {
            events.publishUsage(new UsageEvent(f.orgId(), f.keyId(), Gate.AUDIO_ANALYSIS, 1, countedAt, f.jobId() + ":" + f.position()));
        }
        // Otherwise another instance took the file over (this one outlived its lease): it settles the file, counted already.
    }

    private record Counted(Instant at) {}

    /** Counts the file's unit; empty when the quota ran out (the rest of the job is skipped) or the claim was lost. */
    private Optional<Counted> count(AudioJobStore.ClaimedFile f) {
        Instant now = clock.instant();
        var org = orgs.get(f.orgId());
        if (org.isEmpty()) {
            jobs.finish(f, "failed", "org_deleted", "the organisation no longer exists");
            return Optional.empty();
        }
        PlanCatalog.Plan plan = plans.find(org.get().planId()).orElseThrow(() -> new IllegalStateException("plan '" + org.get().planId()
                + "' of org " + f.orgId() + " is not in the plan catalog"));
        if (!plan.hasFeature(Gate.AUDIO_ANALYSIS)) {
            jobs.skipRest(f, "the org's plan '" + plan.id() + "' no longer includes audio analysis");
            return Optional.empty();
        }
        UsageLimiter.Decision d = limiter.checkQuota(f.orgId(), f.keyId(), plan, Gate.AUDIO_ANALYSIS, 1, now,
                "community".equals(org.get().edition()), ROUTE);
        if (d.outcome() == UsageLimiter.Outcome.RATE_LIMITED || d.outcome() == UsageLimiter.Outcome.ORG_RATE_LIMITED) {
            // Only in degraded mode (Redis down), where local limits pace everything: try again later, nothing counted.
            jobs.release(f);
            return Optional.empty();
        }
        if (!d.allowed()) {
            jobs.skipRest(f, "the " + (d.outcome() == UsageLimiter.Outcome.MONTH_QUOTA ? "monthly" : "daily") + " audio_analysis quota of "
                    + d.limit() + " is used up; submit the skipped files again when it resets or upgrade the plan");
            return Optional.empty();
        }
        if (!jobs.markCounted(f, now)) {
            limiter.refund(f.orgId(), Gate.AUDIO_ANALYSIS, 1, now);
            return Optional.empty();
        }
        return Optional.of(new Counted(now));
    }

    private void refundThen(AudioJobStore.ClaimedFile f, Instant countedAt, String status, String code, String message) {
        if (jobs.finish(f, status, code, message)) {
            limiter.refund(f.orgId(), Gate.AUDIO_ANALYSIS, 1, countedAt);
        }
    }

    @Override
    public void close() {
        running.set(false);
        Thread t = dispatcher;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
