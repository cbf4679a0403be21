package io.tunetrail.audio.signal;

import java.util.Arrays;

/**
 * Computes {@link SignalFeatures} in one pass over the frames: each spectrum is reduced to its mel, chroma and shape
 * descriptors and dropped, so a ten-minute file costs the descriptors, never a full spectrogram in memory.
 */
public final class FeatureExtractor {
    public static final int N_FFT = 2048;
    public static final int HOP = 512;
    public static final int N_MELS = 128;
    public static final int N_MFCC = 20;
    public static final int CONTRAST_BANDS = 7;
    /** power_to_db's floor: 80 dB below the loudest mel cell, as librosa's {@code top_db}. */
    private static final double TOP_DB = 80.0;
    private static final double AMIN = 1e-10;

    private final int sampleRate;
    private final Stft stft = new Stft(N_FFT, HOP);
    private final SparseFilterBank mel;
    private final SparseFilterBank chroma;
    private final double[][] dct;
    private final double[] freqs;
    private final int[] contrastEdges;

    public FeatureExtractor(int sampleRate) {
        this.sampleRate = sampleRate;
        this.mel = SparseFilterBank.mel(sampleRate, N_FFT, N_MELS);
        this.chroma = SparseFilterBank.chroma(sampleRate, N_FFT);
        this.freqs = stft.binFrequencies(sampleRate);
        this.dct = new double[N_MFCC][N_MELS];
        for (int k = 0; k < N_MFCC; k++) {
            double scale = k == 0 ? Math.sqrt(1.0 / N_MELS) : Math.sqrt(2.0 / N_MELS);
            for (int n = 0; n < N_MELS; n++) {
                dct[k][n] = scale * Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * N_MELS));
            }
        }
        // Octave bands [0, 200), [200, 400), ..., the last one up to Nyquist.
        contrastEdges = new int[CONTRAST_BANDS + 1];
        for (int b = 0; b < CONTRAST_BANDS; b++) {
            double f = b == 0 ? 0 : 200.0 * Math.pow(2, b - 1);
            contrastEdges[b] = Math.min(stft.bins() - 1, (int) Math.round(f * N_FFT / sampleRate));
        }
        contrastEdges[CONTRAST_BANDS] = stft.bins();
    }

    public SignalFeatures extract(float[] y) {
        int frames = stft.frames(y.length);
        int bins = stft.bins();
        float[][] melDb = new float[frames][N_MELS];
        float[][] chromaOut = new float[frames][12];
        float[][] contrast = new float[frames][CONTRAST_BANDS];
        float[] centroid = new float[frames], bandwidth = new float[frames], rolloff = new float[frames];
        float[] flatness = new float[frames], zcr = new float[frames], rms = new float[frames];
        float[] frame = new float[N_FFT], work = new float[N_FFT], power = new float[bins], mag = new float[bins];
        float[] sorted = new float[bins];
        double maxDb = -Double.MAX_VALUE;
        for (int t = 0; t < frames; t++) {
            stft.frame(y, t, frame);
            timeDomain(frame, t, zcr, rms);
            stft.power(frame, work, power);
            mel.apply(power, melDb[t]);
            for (int m = 0; m < N_MELS; m++) {
                double db = 10 * Math.log10(Math.max(AMIN, melDb[t][m]));
                melDb[t][m] = (float) db;
                maxDb = Math.max(maxDb, db);
            }
            chroma.apply(power, chromaOut[t]);
            normaliseMax(chromaOut[t]);
            for (int k = 0; k < bins; k++) {
                mag[k] = (float) Math.sqrt(power[k]);
            }
            shape(t, power, mag, centroid, bandwidth, rolloff, flatness);
            contrast(mag, sorted, contrast[t]);
        }
        float floor = (float) (maxDb - TOP_DB);
        float[][] mfcc = new float[frames][N_MFCC];
        for (int t = 0; t < frames; t++) {
            float[] row = melDb[t];
            for (int m = 0; m < N_MELS; m++) {
                row[m] = Math.max(row[m], floor);
            }
            for (int k = 0; k < N_MFCC; k++) {
                double acc = 0;
                for (int m = 0; m < N_MELS; m++) {
                    acc += dct[k][m] * row[m];
                }
                mfcc[t][k] = (float) acc;
            }
        }
        return new SignalFeatures(sampleRate, HOP, melDb, mfcc, chromaOut, centroid, bandwidth, rolloff, flatness,
                contrast, zcr, rms, onsetStrength(melDb));
    }

    /**
     * librosa's {@code onset_strength}: the mean over mel bands of the positive dB rise from the previous frame, shifted
     * by one frame plus half a window (3 frames at 2048/512) so a peak sits on the frame of its onset.
     */
    static float[] onsetStrength(float[][] melDb) {
        int frames = melDb.length;
        float[] onset = new float[frames];
        int pad = 1 + N_FFT / (2 * HOP);
        for (int t = 1; t < frames; t++) {
            double acc = 0;
            for (int m = 0; m < N_MELS; m++) {
                acc += Math.max(0, melDb[t][m] - melDb[t - 1][m]);
            }
            int at = t - 1 + pad;
            if (at < frames) {
                onset[at] = (float) (acc / N_MELS);
            }
        }
        return onset;
    }

    private void timeDomain(float[] frame, int t, float[] zcr, float[] rms) {
        double sq = 0;
        int crossings = 0;
        for (int i = 0; i < N_FFT; i++) {
            sq += frame[i] * frame[i];
            if (i > 0 && (frame[i] >= 0) != (frame[i - 1] >= 0)) {
                crossings++;
            }
        }
        rms[t] = (float) Math.sqrt(sq / N_FFT);
        zcr[t] = crossings / (float) N_FFT;
    }

    private void shape(int t, float[] power, float[] mag, float[] centroid, float[] bandwidth, float[] rolloff,
            float[] flatness) {
        double sum = 0, weighted = 0, logSum = 0, powerSum = 0;
        for (int k = 0; k < mag.length; k++) {
            sum += mag[k];
            weighted += mag[k] * freqs[k];
            double p = Math.max(AMIN, power[k]);
            logSum += Math.log(p);
            powerSum += p;
        }
        if (sum <= 0) {
            return; // silence: all shape descriptors stay 0
        }
        double c = weighted / sum;
        double spread = 0, cumulative = 0;
        int roll = mag.length - 1;
        for (int k = 0; k < mag.length; k++) {
            spread += mag[k] / sum * (freqs[k] - c) * (freqs[k] - c);
        }
        for (int k = 0; k < mag.length; k++) {
            cumulative += mag[k];
            if (cumulative >= 0.85 * sum) {
                roll = k;
                break;
            }
        }
        centroid[t] = (float) c;
        bandwidth[t] = (float) Math.sqrt(spread);
        rolloff[t] = (float) freqs[roll];
        flatness[t] = (float) (Math.exp(logSum / mag.length) / (powerSum / mag.length));
    }

    /** Per octave band: the mean of the top 2% of magnitudes over the mean of the bottom 2%, in dB. */
    private void contrast(float[] mag, float[] scratch, float[] out) {
        for (int b = 0; b < CONTRAST_BANDS; b++) {
            int lo = contrastEdges[b], hi = Math.max(lo + 1, contrastEdges[b + 1]);
            int n = hi - lo;
            System.arraycopy(mag, lo, scratch, 0, n);
            int q = Math.max(1, (int) Math.round(0.02 * n));
            // Two selections instead of a sort: the q smallest end up in front, the q largest at the back.
            select(scratch, 0, n - 1, q - 1);
            double valley = 0;
            for (int i = 0; i < q; i++) {
                valley += scratch[i];
            }
            select(scratch, q, n - 1, n - q);
            double peak = 0;
            for (int i = n - q; i < n; i++) {
                peak += scratch[i];
            }
            valley /= q;
            peak /= q;
            out[b] = (float) (10 * Math.log10(Math.max(AMIN, peak * peak)) - 10 * Math.log10(Math.max(AMIN, valley * valley)));
        }
    }

    /** Hoare's quickselect: afterwards a[k] holds the value sorted order puts there, smaller ones before it. */
    static void select(float[] a, int lo, int hi, int k) {
        if (k < lo || k > hi) {
            return;
        }
        while (hi > lo) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static void normaliseMax(float[] v) {
        float max = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        if (max > 1e-12f) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= max;
            }
        } else {
            Arrays.fill(v, 0f);
        }
    }
}
