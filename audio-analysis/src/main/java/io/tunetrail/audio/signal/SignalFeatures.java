package io.tunetrail.audio.signal;

/**
 * Frame-level descriptors of a mono signal, one row per STFT frame (frame {@code t} is centred at
 * {@code t * hop / sampleRate} seconds). Spectral shape descriptors are on the magnitude spectrum, as librosa's are.
 *
 * @param melDb     log-mel power, 128 Slaney mel bands, dB re 1.0, floored 80 dB below the loudest cell
 * @param mfcc      20 MFCCs: orthonormal DCT-II of {@code melDb}
 * @param chroma    12 pitch classes (C first) from the power spectrum, each frame scaled so its largest class is 1
 * @param centroid  spectral centroid, Hz
 * @param bandwidth spectral bandwidth (second central moment about the centroid), Hz
 * @param rolloff   frequency under which 85% of the magnitude lies, Hz
 * @param flatness  spectral flatness (geometric over arithmetic mean of power), 0 tonal .. 1 white noise
 * @param contrast  spectral contrast in 7 octave bands from 200 Hz (peak over valley, dB)
 * @param zcr       zero-crossing rate per frame, crossings per sample
 * @param rms       root-mean-square amplitude per frame (full scale 1.0)
 * @param onset     onset strength: mean over mel bands of the positive dB increase from the previous frame
 */
public record SignalFeatures(int sampleRate, int hop, float[][] melDb, float[][] mfcc, float[][] chroma,
        float[] centroid, float[] bandwidth, float[] rolloff, float[] flatness, float[][] contrast, float[] zcr,
        float[] rms, float[] onset) {
    public int frames() {
        return rms.length;
    }

    public double frameRate() {
        return sampleRate / (double) hop;
    }

    public double frameTime(double frame) {
        return frame * hop / sampleRate;
    }
}
