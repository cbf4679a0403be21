package io.tunetrail.audio.signal;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * The short-time Fourier transform as librosa computes it by default: frames of {@code nFft} samples every
 * {@code hop}, a periodic Hann window, centred frames (the signal padded with {@code nFft/2} zeros each side), so frame
 * {@code t} is centred on sample {@code t * hop}.
 */
public final class Stft {
    private final int nFft;
    private final int hop;
    private final float[] window;
    private final FloatFFT_1D fft;

    public Stft(int nFft, int hop) {
        this.nFft = nFft;
        this.hop = hop;
        this.window = new float[nFft];
        for (int i = 0; i < nFft; i++) {
            window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / nFft));
        }
        this.fft = new FloatFFT_1D(nFft);
    }

    public int nFft() {
        return nFft;
    }

    public int hop() {
        return hop;
    }

    public int bins() {
        return nFft / 2 + 1;
    }

    public int frames(int samples) {
        return 1 + samples / hop;
    }

    /** The raw (unwindowed) samples of frame {@code t}, zero outside the signal. */
    public void frame(float[] x, int t, float[] out) {
        int start = t * hop - nFft / 2;
        for (int i = 0; i < nFft; i++) {
            int j = start + i;
            out[i] = j >= 0 && j < x.length ? x[j] : 0f;
        }
    }

    /** The power spectrum |X|^2 of a frame given by {@link #frame}; {@code work} is overwritten. */
    public void power(float[] frame, float[] work, float[] power) {
        for (int i = 0; i < nFft; i++) {
            work[i] = frame[i] * window[i];
        }
        fft.realForward(work);
        power[0] = work[0] * work[0];
        power[nFft / 2] = work[1] * work[1];
        for (int k = 1; k < nFft / 2; k++) {
            float re = work[2 * k], im = work[2 * k + 1];
            power[k] = re * re + im * im;
        }
    }

    /** The centre frequency of each bin. */
    public double[] binFrequencies(int sampleRate) {
        double[] f = new double[bins()];
        for (int k = 0; k < f.length; k++) {
            f[k] = k * (double) sampleRate / nFft;
        }
        return f;
    }
}
