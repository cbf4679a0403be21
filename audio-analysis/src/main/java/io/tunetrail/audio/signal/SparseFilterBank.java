package io.tunetrail.audio.signal;

/**
 * A bank of spectral filters stored by their non-zero span, so applying the 128 mel or 12 chroma filters costs the
 * width of each filter instead of the whole spectrum. Mel (Slaney scale, Slaney area normalisation) and chroma
 * (Ellis's Gaussian pitch-class bumps, octave weighting around C5) follow librosa's {@code filters.mel} and
 * {@code filters.chroma} definitions so the features compare with librosa frame by frame.
 */
public final class SparseFilterBank {
    private final int[] from;
    private final float[][] weights;

    private SparseFilterBank(double[][] dense, double threshold) {
        from = new int[dense.length];
        weights = new float[dense.length][];
        for (int m = 0; m < dense.length; m++) {
            int lo = 0, hi = dense[m].length - 1;
            while (lo < hi && Math.abs(dense[m][lo]) <= threshold) {
                lo++;
            }
            while (hi > lo && Math.abs(dense[m][hi]) <= threshold) {
                hi--;
            }
            from[m] = lo;
            weights[m] = new float[hi - lo + 1];
            for (int k = lo; k <= hi; k++) {
                weights[m][k - lo] = (float) dense[m][k];
            }
        }
    }

    public int size() {
        return from.length;
    }

    public void apply(float[] spectrum, float[] out) {
        for (int m = 0; m < from.length; m++) {
            float[] w = weights[m];
            int f = from[m];
            double acc = 0;
            for (int k = 0; k < w.length; k++) {
                acc += w[k] * spectrum[f + k];
            }
            out[m] = (float) acc;
        }
    }

    /** librosa {@code filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm='slaney')}. */
    public static SparseFilterBank mel(int sampleRate, int nFft, int nMels) {
        int bins = nFft / 2 + 1;
        double[] edges = new double[nMels + 2];
        double lo = hzToMel(0), hi = hzToMel(sampleRate / 2.0);
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(lo + (hi - lo) * i / (nMels + 1));
        }
        double[][] w = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double enorm = 2.0 / (edges[m + 2] - edges[m]);
            for (int k = 0; k < bins; k++) {
                double f = k * (double) sampleRate / nFft;
                double lower = (f - edges[m]) / (edges[m + 1] - edges[m]);
                double upper = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
                w[m][k] = Math.max(0, Math.min(lower, upper)) * enorm;
            }
        }
        return new SparseFilterBank(w, 0);
    }

    /** librosa {@code filters.chroma(sr, n_fft, n_chroma=12, tuning=0, ctroct=5, octwidth=2, norm=2, base_c=True)}. */
    public static SparseFilterBank chroma(int sampleRate, int nFft) {
        int n = 12;
        double[] frqbins = new double[nFft];
        for (int k = 1; k < nFft; k++) {
            double f = k * (double) sampleRate / nFft;
            frqbins[k] = n * log2(f / (440.0 / 16));
        }
        frqbins[0] = frqbins[1] - 1.5 * n;
        double[] binwidth = new double[nFft];
        for (int k = 0; k < nFft - 1; k++) {
            binwidth[k] = Math.max(frqbins[k + 1] - frqbins[k], 1.0);
        }
        binwidth[nFft - 1] = 1;
        double[][] w = new double[n][nFft];
        double half = Math.round(n / 2.0);
        for (int c = 0; c < n; c++) {
            for (int k = 0; k < nFft; k++) {
                double d = frqbins[k] - c;
                d = ((d + half + 10 * n) % n + n) % n - half;
                w[c][k] = Math.exp(-0.5 * Math.pow(2 * d / binwidth[k], 2));
            }
        }
        for (int k = 0; k < nFft; k++) {
            double norm = 0;
            for (int c = 0; c < n; c++) {
                norm += w[c][k] * w[c][k];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < n; c++) {
                w[c][k] = norm > 0 ? w[c][k] / norm : 0;
                w[c][k] *= Math.exp(-0.5 * Math.pow((frqbins[k] / n - 5.0) / 2.0, 2));
            }
        }
        // base_c: roll by -3 so row 0 is C rather than A.
        int bins = nFft / 2 + 1;
        double[][] rolled = new double[n][bins];
        for (int c = 0; c < n; c++) {
            System.arraycopy(w[(c + 3) % n], 0, rolled[c], 0, bins);
        }
        return new SparseFilterBank(rolled, 1e-6);
    }

    static double hzToMel(double f) {
        double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27.0;
        return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fSp;
    }

    static double melToHz(double m) {
        double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27.0;
        return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fSp * m;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
