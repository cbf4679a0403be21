package io.tunetrail.api.audio;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiErrors;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.limits.UsageLimiter;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.audio.AudioAnalysis;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.decode.AudioContainer;
import io.tunetrail.audio.document.AnalysisDocument;
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.audio.document.Section;
import io.tunetrail.audio.document.Segment;
import io.tunetrail.audio.document.TimeInterval;
import io.tunetrail.audio.document.TrackSummary;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.audio.AudioObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Analysis of uploaded audio for the API: reads the upload, runs the analyser on a bounded pool, keeps the audio in the
 * object store and the analysis in PostgreSQL, and answers lookups by analysis and by track.
 *
 * <p><b>Quota.</b> The access hook counts one {@code audio_analysis} unit before the handler runs (so that racing
 * uploads cannot pass the limit). An upload refused afterwards (empty, too large, not audio, undecodable, another
 * org's track, a full pool) is not an analysed file: its unit is given back in the same Redis counters, exactly once,
 * by whichever side refused it (this thread before the pool took the work, the pool thread after). Its usage event
 * (the record the usage ledger is summed from) is published only once the file is analysed and stored, so a refused
 * file leaves no trace in the ledger either: refused before it is counted there, rather than compensated after.
 */
public final class AudioAnalysisService implements AutoCloseable {
    /** Reads the upload; may refuse it (too large, no file part). */
    @FunctionalInterface
    public interface UploadReader {
        Upload read();
    }

    /**
     * An uploaded file and the track it is for (null: none); {@code storedKey} names the object it was read from when it
     * is already in the object store (null: a new upload, to be kept).
     */
    public record Upload(byte[] audio, String trackId, String storedKey) {
        public Upload(byte[] audio, String trackId) {
            this(audio, trackId, null);
        }
    }

    public record Embedding(int dimension, String model) {}

    /**
     * The answer to an upload: {@code audioFeatures} and {@code embedding} are null while {@code status} is
     * {@code pending} (the analysis outlived the request's wait and finishes in the background).
     */
    public record AnalyzeResult(String analysisId, String status, JsonNode audioFeatures, String analysisUrl, Embedding embedding) {
        public boolean complete() {
            return "complete".equals(status);
        }
    }

    private final AudioSettings settings;
    private final AudioObjectStore objects;
    private final MeteredAnalyser analyser;
    private final AudioAnalysisStore store;
    private final CatalogService catalog;
    private final UsageLimiter limiter;
    private final EventPublisher events;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    /** Analyses running or waiting, as org + '\n' + analysis id: their GET answers "pending" rather than 404. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public AudioAnalysisService(AudioSettings settings, MeteredAnalyser analyser, AudioObjectStore objects, AudioAnalysisStore store,
            CatalogService catalog, UsageLimiter limiter, EventPublisher events, Clock clock) {
        this.analyser = analyser;
        this.settings = settings;
        this.objects = objects;
        this.store = store;
        this.catalog = catalog;
        this.limiter = limiter;
        this.events = events;
        this.clock = clock;
        // No waiting room at all is a SynchronousQueue: an ArrayBlockingQueue cannot have capacity 0.
        BlockingQueue<Runnable> queue = settings.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(settings.queue());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "tunetrail-audio-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Analyses one upload for the caller's org, attaching it to the upload's track (if it names one). The hook has counted
     * one unit of the quota ({@code usage}, its event not yet published); every refusal here gives it back.
     */
    public AnalyzeResult analyze(Principal p, UsageEvent usage, UploadReader reader) {
        Instant countedAt = usage.eventTime();
        String analysisId = "aud_" + UUID.randomUUID().toString().replace("-", "");
        String pendingKey = p.orgId() + "\n" + analysisId;
        Future<AnalyzeResult> future;
        try {
            Upload upload = reader.read();
            String trackId = upload.trackId();
            String track = trackId == null || trackId.isBlank() ? null : catalog.track(p, Check.id("track_id", trackId)).trackId();
            byte[] audio = upload.audio();
            if (audio.length == 0) {
                throw ApiErrors.emptyAudio();
            }
            pending.add(pendingKey);
            future = pool.submit(() -> analyseAndStore(p.orgId(), analysisId, track, audio, upload.storedKey(), usage, pendingKey));
        } catch (RejectedExecutionException e) {
            pending.remove(pendingKey);
            refund(p.orgId(), countedAt);
            throw ApiErrors.analysisBusy(retryAfterSeconds());
        } catch (RuntimeException e) {
            refund(p.orgId(), countedAt);
            throw e;
        }
        try {
            return future.get(settings.syncMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new AnalyzeResult(analysisId, "pending", null, url(analysisId), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AnalyzeResult(analysisId, "pending", null, url(analysisId), null);
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * Analyses an upload for the caller without keeping it (a search by audio): counted like an upload, its usage
     * event published once analysed, its unit given back when refused. A clip that outlives the wait answers 503 and
     * is not counted, whether it was still queued or already running.
     */
    public AudioAnalysis analyseClip(Principal p, UsageEvent usage, UploadReader reader) {
        Instant countedAt = usage.eventTime();
        // 0: the request waits; 1: the analysis finished first and counts; 2: the request gave up first.
        AtomicInteger outcome = new AtomicInteger();
        Future<AudioAnalysis> future;
        try {
            byte[] audio = reader.read().audio();
            if (audio.length == 0) {
                throw ApiErrors.emptyAudio();
            }
            future = pool.submit(() -> {
                try {
                    AudioAnalysis a = analyser.analyse(p.orgId(), "clip_" + UUID.randomUUID().toString().replace("-", ""), "search_by_audio",
                            audio);
                    if (outcome.compareAndSet(0, 1)) {
                        events.publishUsage(usage);
                    } else {
                        refund(p.orgId(), countedAt);
                    }
                    return a;
                } catch (AudioInputException | RuntimeException e) {
                    refund(p.orgId(), countedAt);
                    throw e;
                }
            });
        } catch (RejectedExecutionException e) {
            refund(p.orgId(), countedAt);
            throw ApiErrors.analysisBusy(retryAfterSeconds());
        } catch (RuntimeException e) {
            refund(p.orgId(), countedAt);
            throw e;
        }
        try {
            try {
                return future.get(settings.syncMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!outcome.compareAndSet(0, 2)) {
                    return future.get();
                }
                if (future.cancel(false)) {
                    refund(p.orgId(), countedAt); // never started: the task will not settle it
                }
                throw ApiErrors.analysisBusy(retryAfterSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.analysisBusy(retryAfterSeconds());
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /** What the request answers for an analysis that threw: the analyser's refusal as its API error, else the failure. */
    private static RuntimeException failure(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof AudioInputException refused) {
            return refusal(refused);
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException("audio analysis failed", cause);
    }

    private AnalyzeResult analyseAndStore(String orgId, String analysisId, String trackId, byte[] audio, String storedKey, UsageEvent usage,
            String pendingKey)
            throws AudioInputException {
        try {
            AudioAnalysis a = analyser.analyse(orgId, analysisId, "analyze", audio);
            String objectKey = storedKey != null ? storedKey : objects.put(orgId, objectName(analysisId, audio), audio);
            String features = AnalysisJson.write(a.features());
            store.insert(new AudioAnalysisStore.NewAnalysis(orgId, analysisId, trackId, a.analyserVersion(), features,
                    AnalysisJson.write(a.document()), a.features().durationMs(), objectKey, a.embedding().vector(), a.embedding().model()));
            events.publishUsage(usage);
            return new AnalyzeResult(analysisId, "complete", Json.mapper().readTree(features), url(analysisId),
                    new Embedding(a.embedding().dimension(), a.embedding().model()));
        } catch (AudioInputException | RuntimeException e) {
            refund(orgId, usage.eventTime());
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the analyser wrote JSON it cannot read back", e);
        } finally {
            pending.remove(pendingKey);
        }
    }

    /**
     * Analyses again the newest audio kept for a track of the caller's org (after an analyser upgrade, say): a new
     * analysis of the same stored object, counted like an upload. 404 when the track is not the org's or has no audio.
     */
    public AnalyzeResult analyzeTrack(Principal p, UsageEvent usage, String trackId) {
        return analyze(p, usage, () -> {
            catalog.track(p, Check.id("track_id", trackId));
            String key = store.newestObjectKeyOfTrack(p.orgId(), trackId).orElseThrow(() -> ApiErrors.notFoundDetail("track '" + trackId
                    + "' has no stored audio; upload it with POST /api/v1/audio/analyze?track_id=" + trackId));
            return new Upload(objects.get(p.orgId(), key), trackId, key);
        });
    }

    /** What an analysis read answers: the finished document, or the status of one still being analysed. */
    public sealed interface AnalysisAnswer permits Analysis, PendingAnalysis {}

    /**
     * A finished analysis: its identity and audio features, then the analyser's document (Spotify's shape: track,
     * bars, beats, tatums, sections, segments).
     */
    public record Analysis(String analysisId, String status, String trackId, String analyserVersion, Instant createdAt,
            AudioFeatures audioFeatures, TrackSummary track, List<TimeInterval> bars, List<TimeInterval> beats, List<TimeInterval> tatums,
            List<Section> sections, List<Segment> segments) implements AnalysisAnswer {}

    /** An analysis still running ({@code status: pending}, answered 202): poll again. */
    public record PendingAnalysis(String analysisId, String status) implements AnalysisAnswer {}

    /**
     * A track's audio features and where they come from: {@code source} {@code audio_analysis} (its newest analysis,
     * with {@code analysisId} and {@code analyserVersion}) or {@code catalog} (the imported ones; those two null).
     */
    public record TrackFeatures(String trackId, String source, String analysisId, String analyserVersion, double danceability,
            double energy, int key, double loudness, int mode, double speechiness, double acousticness, double instrumentalness,
            double liveness, double valence, double tempo, int timeSignature, long durationMs) {}

    /** The analysis document with its identity and audio features; pending ones answer with their status only. */
    public AnalysisAnswer analysis(Principal p, String analysisId) {
        Check.id("analysis_id", analysisId);
        if (pending.contains(p.orgId() + "\n" + analysisId)) {
            return new PendingAnalysis(analysisId, "pending");
        }
        return document(store.find(p.orgId(), analysisId).orElseThrow(() -> ApiErrors.notFound("audio analysis", analysisId)));
    }

    public boolean isPending(Principal p, String analysisId) {
        return pending.contains(p.orgId() + "\n" + analysisId);
    }

    /** The newest analysis attached to a track of the caller's org. */
    public Analysis trackAnalysis(Principal p, String trackId) {
        catalog.track(p, trackId);
        return document(store.newestOfTrack(p.orgId(), trackId)
                .orElseThrow(() -> ApiErrors.notFoundDetail("track '" + trackId + "' has no audio analysis; POST its audio to "
                        + "/api/v1/audio/analyze?track_id=" + trackId)));
    }

    /**
     * The track's audio features, from its newest analysis when it has one ({@code source: audio_analysis}), else from the
     * imported catalog ({@code source: catalog}).
     */
    public TrackFeatures trackFeatures(Principal p, String trackId) {
        catalog.track(p, trackId);
        var analysed = store.newestOfTrack(p.orgId(), trackId);
        if (analysed.isPresent()) {
            AudioFeatures f = read(analysed.get().features(), AudioFeatures.class);
            return new TrackFeatures(trackId, "audio_analysis", analysed.get().analysisId(), analysed.get().analyserVersion(), f.danceability(),
                    f.energy(), f.key(), f.loudness(), f.mode(), f.speechiness(), f.acousticness(), f.instrumentalness(), f.liveness(),
                    f.valence(), f.tempo(), f.timeSignature(), f.durationMs());
        }
        io.tunetrail.model.AudioFeatures c = catalog.audioFeatures(p, trackId);
        return new TrackFeatures(trackId, "catalog", null, null, c.danceability(), c.energy(), c.key(), c.loudness(), c.mode(), c.speechiness(),
                c.acousticness(), c.instrumentalness(), c.liveness(), c.valence(), c.tempo(), c.timeSignature(), c.durationMs());
    }

    private Analysis document(AudioAnalysisStore.StoredAnalysis a) {
        AnalysisDocument d = read(a.document(), AnalysisDocument.class);
        return new Analysis(a.analysisId(), "complete", a.trackId(), a.analyserVersion(), a.createdAt(), read(a.features(), AudioFeatures.class),
                d.track(), d.bars(), d.beats(), d.tatums(), d.sections(), d.segments());
    }

    /** A stored record of the analyser, read back with the mapper that wrote it. */
    private static <T> T read(String json, Class<T> type) {
        try {
            return AnalysisJson.mapper().readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored analysis JSON does not parse as " + type.getSimpleName(), e);
        }
    }

    private void refund(String orgId, Instant countedAt) {
        limiter.refund(orgId, Gate.AUDIO_ANALYSIS, 1, countedAt);
    }

    /** About one longest analysis at the analyser's measured ~240x real time per thread, at least a second. */
    private long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(settings.maxSeconds() / 240.0));
    }

    /** The object name uploaded audio is kept under: its analysis id and the extension of the container it is in. */
    static String objectName(String analysisId, byte[] audio) {
        return analysisId + AudioContainer.sniff(audio).map(c -> "." + c.name().toLowerCase(Locale.ROOT)).orElse(".bin");
    }

    private static String url(String analysisId) {
        return "/api/v1/audio/analyses/" + analysisId;
    }

    static ApiException refusal(AudioInputException e) {
        return switch (e.reason()) {
            case EMPTY -> ApiErrors.emptyAudio();
            case TOO_LARGE, TOO_LONG -> ApiErrors.audioTooLarge(e.getMessage());
            case UNSUPPORTED_MEDIA -> ApiErrors.unsupportedMedia(e.getMessage());
            case UNDECODABLE -> ApiErrors.undecodableAudio(e.getMessage());
        };
    }

    /**
     * Runs other analysis work (a batch job's file) on the same bounded pool as uploads, so the two together never take
     * more than the configured threads; {@link RejectedExecutionException} when every thread and queue slot is taken.
     */
    public void runOnPool(Runnable work) {
        pool.execute(work);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        objects.close();
    }
}
