package io.tunetrail.audio.rhythm;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Tempo from the onset-strength envelope as librosa's {@code beat.tempo} finds it: the autocorrelation tempogram
 * (windows of 384 frames, about 8.9 s, Hann-weighted, each normalised by its zero lag) averaged over time, weighted by
 * a log-normal prior centred on 120 BPM with one octave of spread, and its best lag taken. One correction on top:
 * when the double tempo's lag is nearly as periodic as the winner (a pulse with nothing between its beats cannot tell
 * its own tempo from half of it; the prior would otherwise halve fast click tracks) and stays at or below
 * {@value #MAX_DOUBLED_BPM} BPM, the faster one wins.
 */
public final class TempoEstimator {
    static final int WINDOW = 384;
    /** Windows are taken every this many frames: the average over time changes negligibly and costs an eighth. */
    private static final int WINDOW_STEP = 8;
    static final double PRIOR_BPM = 120;
    static final double MIN_BPM = 30;
    static final double MAX_BPM = 320;
    static final double MAX_DOUBLED_BPM = 200;
    private static final double DOUBLE_IF_RATIO = 0.8;

    private TempoEstimator() {}

    /** The averaged, normalised autocorrelation tempogram by lag (index 0 is 1 unless the signal is silent). */
    public static double[] tempogram(float[] onset) {
        return tempogram(onset, false);
    }

    /**
     * With {@code centred}, each window's mean is removed before the autocorrelation: an envelope without a pulse
     * (noise) then correlates with itself near 0 at every lag instead of along the window's own slope.
     */
    static double[] tempogram(float[] onset, boolean centred) {
        int n = onset.length;
        double[] window = new double[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / WINDOW);
        }
        DoubleFFT_1D fft = new DoubleFFT_1D(2L * WINDOW);
        double[] sum = new double[WINDOW];
        double[] buf = new double[2 * WINDOW];
        int windows = 0;
        for (int centre = 0; centre < Math.max(1, n); centre += WINDOW_STEP) {
            java.util.Arrays.fill(buf, 0);
            double local = 0;
            if (centred) {
                int count = 0;
                for (int i = 0; i < WINDOW; i++) {
                    int j = centre - WINDOW / 2 + i;
                    if (j >= 0 && j < n) {
                        local += onset[j];
                        count++;
                    }
                }
                local /= Math.max(1, count);
            }
            for (int i = 0; i < WINDOW; i++) {
                int j = centre - WINDOW / 2 + i;
                buf[i] = j >= 0 && j < n ? (onset[j] - local) * window[i] : 0;
            }
            fft.realForward(buf);
            // |X|^2 then the inverse transform is the autocorrelation (zero-padded to 2N: no wrap-around).
            buf[0] = buf[0] * buf[0];
            buf[1] = buf[1] * buf[1];
            for (int k = 1; k < WINDOW; k++) {
                double re = buf[2 * k], im = buf[2 * k + 1];
                buf[2 * k] = re * re + im * im;
                buf[2 * k + 1] = 0;
            }
            fft.realInverse(buf, true);
            double zero = buf[0];
            if (zero > 1e-12) {
                for (int l = 0; l < WINDOW; l++) {
                    sum[l] += buf[l] / zero;
                }
            }
            windows++;
        }
        for (int l = 0; l < WINDOW; l++) {
            sum[l] /= windows;
        }
        return sum;
    }

    public static TempoEstimate estimate(float[] onset, double frameRate) {
        double[] tg = tempogram(onset);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int lag = 1; lag < WINDOW; lag++) {
            double bpm = 60 * frameRate / lag;
            if (bpm < MIN_BPM || bpm > MAX_BPM) {
                continue;
            }
            double score = Math.log1p(1e6 * Math.max(0, tg[lag])) + logPrior(bpm);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        if (best < 0 || tg[0] <= 0) {
            return new TempoEstimate(PRIOR_BPM, 0, 60 * frameRate / PRIOR_BPM);
        }
        double period = refine(tg, best);
        int half = (int) Math.round(period / 2);
        if (half >= 2 && 60 * frameRate / (period / 2) <= MAX_DOUBLED_BPM) {
            int h = tg[half - 1] > tg[half] ? half - 1 : (tg[half + 1] > tg[half] ? half + 1 : half);
            if (tg[h] >= DOUBLE_IF_RATIO * tg[best]) {
                best = h;
                period = refine(tg, h);
            }
        }
        double[] centred = tempogram(onset, true);
        double periodicity = Math.max(centred[best], Math.max(centred[best - 1], centred[best + 1]));
        double confidence = clamp(periodicity) * attackStrength(onset);
        return new TempoEstimate(60 * frameRate / period, confidence, period);
    }

    /**
     * 0..1: whether the envelope has attacks at all. The tempogram is normalised per window, so the faint wobble of a
     * steady tone looks as periodic as drums; its 99th-percentile rise is under 0.01 dB where any played music or
     * speech reaches 1 dB.
     */
    static double attackStrength(float[] onset) {
        if (onset.length == 0) {
            return 0;
        }
        float[] sorted = onset.clone();
        java.util.Arrays.sort(sorted);
        double p99 = sorted[(int) (0.99 * (sorted.length - 1))];
        return clamp((p99 - 0.25) / 0.75);
    }

    /** The peak's lag to a fraction of a frame by a parabola through it and its neighbours. */
    private static double refine(double[] tg, int lag) {
        if (lag < 1 || lag + 1 >= tg.length) {
            return lag;
        }
        double a = tg[lag - 1], b = tg[lag], c = tg[lag + 1];
        double denom = a - 2 * b + c;
        if (denom >= 0) {
            return lag;
        }
        return lag + Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / denom));
    }

    static double logPrior(double bpm) {
        double octaves = Math.log(bpm / PRIOR_BPM) / Math.log(2);
        return -0.5 * octaves * octaves;
    }

    static double clamp(double x) {
        return Double.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0;
    }
}
