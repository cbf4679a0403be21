package io.tunetrail.audio;

/**
 * What the analyser accepts: at most {@code maxBytes} of encoded input and {@code maxSeconds} of decoded audio. Decoding
 * stops as soon as a limit is passed, so a hostile file cannot make the analyser hold more than the limit in memory.
 */
public record AudioLimits(long maxBytes, double maxSeconds) {
    /** The seeds' {@code MAX_AUDIO_LENGTH_SECONDS} and a size that comfortably holds ten minutes of 16-bit stereo WAV. */
    public static final AudioLimits DEFAULT = new AudioLimits(128L * 1024 * 1024, 600.0);

    public AudioLimits {
        if (maxBytes <= 0 || !(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
            throw new IllegalArgumentException("audio limits must be positive and finite: " + maxBytes + " bytes, "
                    + maxSeconds + " s");
        }
    }
}
