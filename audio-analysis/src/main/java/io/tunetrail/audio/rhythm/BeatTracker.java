package io.tunetrail.audio.rhythm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beats by dynamic programming (Ellis 2007, as librosa's {@code beat_track}): the onset envelope, scaled by its
 * standard deviation, is smoothed with a Gaussian of a 32nd of the beat period (the local score); each frame's
 * cumulative score is its local score plus the best predecessor 0.5–2 periods back, penalised by
 * {@value #TIGHTNESS} × (log of the interval over the period)²; the path is traced back from the last strong
 * cumulative peak, and weak beats at either end are trimmed. Each beat is then placed between frames by a parabola
 * through the onset envelope, which halves the frame grid's 23 ms quantisation.
 */
public final class BeatTracker {
    static final double TIGHTNESS = 100;

    private BeatTracker() {}

    /** A beat: its position in (fractional) frames and a 0..1 strength of the onset under it. */
    public record Beat(double frame, double confidence) {}

    public static List<Beat> track(float[] onset, double periodFrames) {
        int n = onset.length;
        if (n < 3 || !(periodFrames > 1)) {
            return List.of();
        }
        double std = std(onset);
        if (std <= 1e-9) {
            return List.of();
        }
        int fpb = (int) Math.round(periodFrames);
        double[] local = new double[n];
        double[] kernel = new double[2 * fpb + 1];
        for (int i = -fpb; i <= fpb; i++) {
            kernel[i + fpb] = Math.exp(-0.5 * Math.pow(i * 32.0 / fpb, 2));
        }
        for (int t = 0; t < n; t++) {
            double acc = 0;
            for (int i = -fpb; i <= fpb; i++) {
                int j = t - i;
                if (j >= 0 && j < n) {
                    acc += kernel[i + fpb] * onset[j] / std;
                }
            }
            local[t] = acc;
        }
        double localMax = Arrays.stream(local).max().orElse(0);
        double[] cum = new double[n];
        int[] back = new int[n];
        boolean first = true;
        double logPeriod = Math.log(periodFrames);
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            int at = -1;
            for (int loc = i - (int) Math.round(periodFrames / 2); loc >= Math.max(0, i - 2 * fpb); loc--) {
                double d = Math.log(i - loc) - logPeriod;
                double s = cum[loc] - TIGHTNESS * d * d;
                if (s > best) {
                    best = s;
                    at = loc;
                }
            }
            cum[i] = at >= 0 ? local[i] + best : local[i];
            if (first && local[i] < 0.01 * localMax) {
                back[i] = -1;
            } else {
                back[i] = at;
                first = false;
            }
        }
        int last = lastBeat(cum);
        List<Integer> frames = new ArrayList<>();
        for (int b = last; b >= 0; b = back[b]) {
            frames.add(0, b);
            if (frames.size() > n) {
                break;
            }
        }
        return trimAndPlace(frames, local, onset);
    }

    /** The last local maximum of the cumulative score above half the median of its local maxima. */
    private static int lastBeat(double[] cum) {
        List<Double> peaks = new ArrayList<>();
        for (int i = 1; i < cum.length - 1; i++) {
            if (cum[i] > cum[i - 1] && cum[i] >= cum[i + 1]) {
                peaks.add(cum[i]);
            }
        }
        if (peaks.isEmpty()) {
            return cum.length - 1;
        }
        double[] sorted = peaks.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        for (int i = cum.length - 2; i >= 1; i--) {
            if (cum[i] > cum[i - 1] && cum[i] >= cum[i + 1] && cum[i] >= 0.5 * median) {
                return i;
            }
        }
        return cum.length - 1;
    }

    private static List<Beat> trimAndPlace(List<Integer> frames, double[] local, float[] onset) {
        int m = frames.size();
        if (m == 0) {
            return List.of();
        }
        double[] score = new double[m];
        double[] hann = {0.25, 0.75, 1.0, 0.75, 0.25};
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int k = -2; k <= 2; k++) {
                if (i + k >= 0 && i + k < m) {
                    acc += hann[k + 2] * local[frames.get(i + k)];
                }
            }
            score[i] = acc;
        }
        double rms = Math.sqrt(Arrays.stream(score).map(x -> x * x).average().orElse(0));
        double threshold = 0.5 * rms;
        int from = 0, to = m - 1;
        while (from <= to && score[from] <= threshold) {
            from++;
        }
        while (to >= from && score[to] <= threshold) {
            to--;
        }
        double maxLocal = Arrays.stream(local).max().orElse(1);
        List<Beat> beats = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            int f = frames.get(i);
            beats.add(new Beat(subFrame(onset, f), TempoEstimator.clamp(local[f] / maxLocal)));
        }
        return beats;
    }

    /** The beat frame moved to the vertex of a parabola through the onset envelope when it sits on a peak. */
    private static double subFrame(float[] onset, int f) {
        if (f < 1 || f + 1 >= onset.length) {
            return f;
        }
        double a = onset[f - 1], b = onset[f], c = onset[f + 1];
        double denom = a - 2 * b + c;
        if (b < a || b < c || denom >= 0) {
            return f;
        }
        return f + Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / denom));
    }

    private static double std(float[] x) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (float v : x) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / Math.max(1, x.length - 1));
    }
}
