package io.tunetrail.api.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.store.audio.AudioObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** Tracks that sound like {@code trackId}, and which embedding ({@code signal} or {@code catalog_features}) said so. */
    public record SoundsLike(String trackId, String embedding, String model, List<SoundMatch> matches) {}

    public record SoundMatch(String trackId, double similarity) {}

    /**
     * Pairwise similarities of {@code ids}, in their order; {@code embeddings} names each track's space (null: none), and
     * a cell is null across two spaces.
     */
    public record SimilarityMatrix(List<String> ids, Map<String, String> embeddings, List<List<Double>> matrix) {}

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
    private final AudioAnalysisStore store;
    private final CatalogService catalog;
    private final io.tunetrail.store.vector.VectorStore catalogVectors;
    private final UsageLimiter limiter;
    private final EventPublisher events;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    /** Analyses running or waiting, as org + '\n' + analysis id: their GET answers "pending" rather than 404. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public AudioAnalysisService(AudioSettings settings, AudioObjectStore objects, AudioAnalysisStore store, CatalogService catalog,
            io.tunetrail.store.vector.VectorStore catalogVectors, UsageLimiter limiter, EventPublisher events, Clock clock) {
        this.catalogVectors = catalogVectors;
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
                    AudioAnalysis a = settings.analyser().analyse(audio, settings.limits());
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
            AudioAnalysis a = settings.analyser().analyse(audio, settings.limits());
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

    /**
     * Tracks of the caller's org that sound like one track: by signal embeddings of analysed audio when the track has
     * one ({@code embedding: signal}, with its model), else by the catalog's feature embeddings the route used before
     * ({@code embedding: catalog_features}). The answer says which.
     */
    public SoundsLike similarByAudio(Principal p, String trackId, int limit) {
        catalog.track(p, trackId);
        var model = store.signalModelOfTrack(p.orgId(), trackId);
        List<io.tunetrail.store.vector.Neighbour> found = model.isPresent() ? store.nearestBySignal(p.orgId(), trackId, limit)
                : catalogVectors.nearestToTrack(p.orgId(), trackId, limit, Set.of());
        return new SoundsLike(trackId, model.isPresent() ? "signal" : "catalog_features", model.orElse(null),
                found.stream().map(n -> new SoundMatch(n.trackId(), n.similarity())).toList());
    }

    /**
     * Pairwise cosine similarities of up to {@code settings.matrixMaxIds()} tracks of the caller's org (comma-separated
     * {@code ids}), each track by its newest signal embedding, else its catalog feature embedding ({@code embeddings}
     * says which). Two tracks embedded in different spaces cannot be compared: their cell is null, as is any cell of a
     * track with no embedding at all.
     */
    public SimilarityMatrix similarityMatrix(Principal p, String ids) {
        if (ids == null || ids.isBlank()) {
            throw ApiErrors.missingField("ids");
        }
        List<String> tracks = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(List.of(ids.split(",", -1))));
        if (tracks.size() < 2 || tracks.size() > settings.matrixMaxIds()) {
            throw ApiErrors.invalidField("ids", "give 2 to " + settings.matrixMaxIds() + " distinct track ids, comma-separated; got "
                    + tracks.size());
        }
        tracks.forEach(t -> catalog.track(p, Check.id("ids", t)));
        java.util.Map<String, float[]> signal = store.signalEmbeddings(p.orgId(), tracks);
        String[] source = new String[tracks.size()];
        float[][] vectors = new float[tracks.size()][];
        Map<String, String> embeddings = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tracks.size(); i++) {
            String t = tracks.get(i);
            if (signal.containsKey(t)) {
                source[i] = "signal";
                vectors[i] = signal.get(t);
            } else {
                var features = catalogVectors.embedding(p.orgId(), t);
                source[i] = features.isPresent() ? "catalog_features" : null;
                vectors[i] = features.map(io.tunetrail.store.vector.TrackEmbedding::vector).orElse(null);
            }
            embeddings.put(t, source[i]);
        }
        List<List<Double>> matrix = new java.util.ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            List<Double> row = new java.util.ArrayList<>();
            for (int j = 0; j < tracks.size(); j++) {
                row.add(source[i] == null || !source[i].equals(source[j]) ? null : cosine(vectors[i], vectors[j]));
            }
            matrix.add(row);
        }
        return new SimilarityMatrix(tracks, embeddings, matrix);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        // Stored vectors are never all zero (VectorStore and the analyser both refuse it), so the norms are positive.
        return dot / Math.sqrt(na * nb);
    }

    /** The analysis document with its identity and audio features; pending ones answer with their status only. */
    public ObjectNode analysis(Principal p, String analysisId) {
        Check.id("analysis_id", analysisId);
        if (pending.contains(p.orgId() + "\n" + analysisId)) {
            ObjectNode status = Json.mapper().createObjectNode();
            status.put("analysis_id", analysisId).put("status", "pending");
            return status;
        }
        return document(store.find(p.orgId(), analysisId).orElseThrow(() -> ApiErrors.notFound("audio analysis", analysisId)));
    }

    public boolean isPending(Principal p, String analysisId) {
        return pending.contains(p.orgId() + "\n" + analysisId);
    }

    /** The newest analysis attached to a track of the caller's org. */
    public ObjectNode trackAnalysis(Principal p, String trackId) {
        catalog.track(p, trackId);
        return document(store.newestOfTrack(p.orgId(), trackId)
                .orElseThrow(() -> ApiErrors.notFoundDetail("track '" + trackId + "' has no audio analysis; POST its audio to "
                        + "/api/v1/audio/analyze?track_id=" + trackId)));
    }

    /**
     * The track's audio features, from its newest analysis when it has one ({@code source: audio_analysis}), else from the
     * imported catalog ({@code source: catalog}).
     */
    public ObjectNode trackFeatures(Principal p, String trackId) {
        catalog.track(p, trackId);
        var analysed = store.newestOfTrack(p.orgId(), trackId);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("track_id", trackId);
        if (analysed.isPresent()) {
            out.setAll((ObjectNode) read(analysed.get().features()));
            out.put("source", "audio_analysis");
            out.put("analysis_id", analysed.get().analysisId());
            out.put("analyser_version", analysed.get().analyserVersion());
            return out;
        }
        ObjectNode imported = Json.mapper().valueToTree(catalog.audioFeatures(p, trackId));
        imported.remove("org_id");
        out.setAll(imported);
        out.put("source", "catalog");
        return out;
    }

    private ObjectNode document(AudioAnalysisStore.StoredAnalysis a) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("analysis_id", a.analysisId());
        out.put("status", "complete");
        out.put("track_id", a.trackId());
        out.put("analyser_version", a.analyserVersion());
        out.put("created_at", a.createdAt().toString());
        out.set("audio_features", read(a.features()));
        out.setAll((ObjectNode) read(a.document()));
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored analysis JSON does not parse", e);
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
