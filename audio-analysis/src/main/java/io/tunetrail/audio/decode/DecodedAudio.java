package io.tunetrail.audio.decode;

/**
 * Decoded audio as the analyser uses it: the mono downmix at {@code sampleRate}, the channel count and original rate
 * it came from, and the BS.1770 integrated loudness measured on the original channels before the downmix.
 */
public record DecodedAudio(float[] mono, int sampleRate, int sourceChannels, double integratedLufs,
        AudioContainer container) {
    public double seconds() {
        return mono.length / (double) sampleRate;
    }

    /** The same audio at another rate (the loudness stays the one measured on the source). */
    public DecodedAudio withSamples(float[] samples, int rate) {
        return new DecodedAudio(samples, rate, sourceChannels, integratedLufs, container);
    }
}
