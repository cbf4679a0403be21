package io.tunetrail.api.audio;

import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioAnalysis;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.audio.AudioStoreSettings;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * How the API analyses uploaded audio (keys {@code api.audio.*}).
 *
 * @param maxBytes   larger uploads get 413 before anything is decoded
 * @param maxSeconds longer audio gets 413 (decoding stops at the limit)
 * @param threads    analysis threads (CPU-bound work, off the request threads)
 * @param queue      uploads waiting for a thread; beyond it 503 with Retry-After (0: none wait)
 * @param syncMillis how long a request waits for its analysis before answering 202
 * @param store      where uploaded audio is kept, under the org's prefix (a folder or an S3 bucket)
 * @param analyser   the analysis itself ({@link AudioAnalyser}; tests put a gate in front of it)
 * @param matrixMaxIds most track ids one similarity matrix takes
 * @param batch      limits of batch analysis jobs
 */
public record AudioSettings(long maxBytes, double maxSeconds, int threads, int queue, long syncMillis, AudioStoreSettings store, Analyser analyser,
        int matrixMaxIds, Batch batch) {

    /**
     * Batch jobs ({@code api.audio.batch-*}): the whole request body's limit, most files per job, and how long a claimed
     * file stays with the instance that claimed it.
     */
    public record Batch(long maxBytes, int maxFiles, long leaseMillis) {
        public Batch {
            if (maxBytes < 1 || maxFiles < 1 || leaseMillis < 1) {
                throw new IllegalArgumentException("batch audio settings out of range: max bytes " + maxBytes + ", max files " + maxFiles
                        + ", lease ms " + leaseMillis);
            }
        }
    }

    /** One file in, its analysis out; refusals are typed. */
    @FunctionalInterface
    public interface Analyser {
        AudioAnalysis analyse(byte[] audio, AudioLimits limits) throws AudioInputException;
    }

    public AudioSettings {
        if (maxBytes < 1 || maxSeconds <= 0 || threads < 1 || queue < 0 || syncMillis < 1 || matrixMaxIds < 2) {
            throw new IllegalArgumentException("audio settings out of range: max bytes " + maxBytes + ", max seconds " + maxSeconds
                    + ", threads " + threads + ", queue " + queue + ", sync ms " + syncMillis + ", matrix ids " + matrixMaxIds);
        }
    }

    /** The defaults of {@link PlatformConfig}, keeping audio in a folder under {@code storeRoot}. */
    public static AudioSettings defaults(Path storeRoot) {
        return of(PlatformConfig.Key::defaultValue, AudioStoreSettings.local(storeRoot,
                Long.parseLong(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES.defaultValue())));
    }

    public static AudioSettings from(PlatformConfig config) {
        return of(config::get, AudioStoreSettings.from(config));
    }

    private static AudioSettings of(Function<PlatformConfig.Key, String> value, AudioStoreSettings store) {
        AudioAnalyser analyser = new AudioAnalyser();
        return new AudioSettings(Long.parseLong(value.apply(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES)),
                Double.parseDouble(value.apply(PlatformConfig.API_AUDIO_MAX_SECONDS)), Integer.parseInt(value.apply(PlatformConfig.API_AUDIO_THREADS)),
                Integer.parseInt(value.apply(PlatformConfig.API_AUDIO_QUEUE)), Long.parseLong(value.apply(PlatformConfig.API_AUDIO_SYNC_MS)),
                store, analyser::analyse, Integer.parseInt(value.apply(PlatformConfig.API_AUDIO_MATRIX_MAX_IDS)),
                new Batch(Long.parseLong(value.apply(PlatformConfig.API_AUDIO_BATCH_MAX_BYTES)),
                        Integer.parseInt(value.apply(PlatformConfig.API_AUDIO_BATCH_MAX_FILES)),
                        Long.parseLong(value.apply(PlatformConfig.API_AUDIO_BATCH_LEASE_MS))));
    }

    public AudioLimits limits() {
        return new AudioLimits(maxBytes, maxSeconds);
    }

    public AudioSettings withPool(int threadCount, int queueLength) {
        return new AudioSettings(maxBytes, maxSeconds, threadCount, queueLength, syncMillis, store, analyser, matrixMaxIds, batch);
    }

    public AudioSettings withAnalyser(Analyser other) {
        return new AudioSettings(maxBytes, maxSeconds, threads, queue, syncMillis, store, other, matrixMaxIds, batch);
    }

    public AudioSettings withLimits(long bytes, double seconds) {
        return new AudioSettings(bytes, seconds, threads, queue, syncMillis, store, analyser, matrixMaxIds, batch);
    }

    public AudioSettings withBatch(Batch other) {
        return new AudioSettings(maxBytes, maxSeconds, threads, queue, syncMillis, store, analyser, matrixMaxIds, other);
    }

    public AudioSettings withStore(AudioStoreSettings other) {
        return new AudioSettings(maxBytes, maxSeconds, threads, queue, syncMillis, other, analyser, matrixMaxIds, batch);
    }

    public AudioSettings withSyncMillis(long millis) {
        return new AudioSettings(maxBytes, maxSeconds, threads, queue, millis, store, analyser, matrixMaxIds, batch);
    }
}
