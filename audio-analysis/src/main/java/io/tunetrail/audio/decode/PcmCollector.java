package io.tunetrail.audio.decode;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;
import java.util.Arrays;

/**
 * Where decoders put their PCM: it meters loudness on the original channels, keeps only the mono downmix (a ten-minute
 * stereo file never sits in memory twice) and stops the decoder with {@link Reason#TOO_LONG} once the limit is passed.
 */
final class PcmCollector {
    private final double maxSeconds;
    private int channels;
    private int sampleRate;
    private LoudnessMeter meter;
    private float[] mono = new float[1 << 16];
    private int length;
    private long maxFrames;
    /** Frames to drop from the start: an MP3 decoder's and encoder's delay. */
    private long skip;

    PcmCollector(double maxSeconds) {
        this.maxSeconds = maxSeconds;
    }

    void start(int channels, int sampleRate) throws AudioInputException {
        if (channels < 1 || sampleRate < 1000 || sampleRate > 768_000) {
            throw new AudioInputException(Reason.UNDECODABLE,
                    "the stream declares " + channels + " channels at " + sampleRate + " Hz, which is not audio we can analyse");
        }
        this.channels = channels;
        this.sampleRate = sampleRate;
        this.meter = new LoudnessMeter(channels, sampleRate);
        this.maxFrames = (long) Math.ceil(maxSeconds * sampleRate);
    }

    boolean started() {
        return meter != null;
    }

    void skipFrames(long frames) {
        skip = frames;
    }

    /** Takes {@code frames} interleaved frames in [-1, 1]. */
    void accept(float[] interleaved, int frames) throws AudioInputException {
        int from = 0;
        if (skip > 0) {
            int dropped = (int) Math.min(skip, frames);
            skip -= dropped;
            from = dropped;
        }
        int n = frames - from;
        if (n <= 0) {
            return;
        }
        if (length + (long) n > maxFrames) {
            throw new AudioInputException(Reason.TOO_LONG, String.format(
                    "the audio is longer than the limit of %.0f s", maxSeconds));
        }
        float[] part = from == 0 ? interleaved : Arrays.copyOfRange(interleaved, from * channels, frames * channels);
        meter.accept(part, n);
        if (length + n > mono.length) {
            mono = Arrays.copyOf(mono, Math.max(mono.length * 2, length + n));
        }
        float scale = 1f / channels;
        for (int f = 0; f < n; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += part[f * channels + c];
            }
            mono[length + f] = sum * scale;
        }
        length += n;
    }

    DecodedAudio finish(AudioContainer container) throws AudioInputException {
        if (!started() || length == 0) {
            throw new AudioInputException(Reason.UNDECODABLE,
                    "the " + container.mediaType() + " stream holds no audio samples (truncated or corrupt)");
        }
        return new DecodedAudio(Arrays.copyOf(mono, length), sampleRate, channels, meter.integratedLufs(), container);
    }
}
