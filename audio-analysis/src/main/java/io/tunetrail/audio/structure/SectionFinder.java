package io.tunetrail.audio.structure;

import io.tunetrail.audio.signal.SignalFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Section boundaries by Foote's novelty: the features are pooled into half-second blocks (MFCC 1–12 standardised per
 * track, and chroma), compared by cosine similarity, and a Gaussian-tapered checkerboard kernel of ±{@value #KERNEL}
 * blocks (8 s) slid along the diagonal of that self-similarity matrix; peaks of the novelty curve at least
 * {@value #MIN_SECTION_SECONDS} s apart and above its mean plus half a standard deviation start new sections. Only the
 * band of the matrix the kernel touches is computed, so a ten-minute track costs about a million products.
 */
public final class SectionFinder {
    static final double BLOCK_SECONDS = 0.5;
    static final int KERNEL = 16;
    static final double MIN_SECTION_SECONDS = 8.0;

    private SectionFinder() {}

    /** A boundary: the section's start in seconds and the novelty peak's height relative to the curve's maximum. */
    public record Boundary(double start, double confidence) {}

    public static List<Boundary> boundaries(SignalFeatures f) {
        int per = Math.max(1, (int) Math.round(BLOCK_SECONDS * f.frameRate()));
        int blocks = f.frames() / per;
        List<Boundary> out = new ArrayList<>();
        out.add(new Boundary(0, 1));
        if (blocks < 2 * KERNEL) {
            return out;
        }
        double[][] x = pooled(f, per, blocks);
        double[] novelty = new double[blocks];
        double[][] kernel = new double[2 * KERNEL][2 * KERNEL];
        for (int i = 0; i < 2 * KERNEL; i++) {
            for (int j = 0; j < 2 * KERNEL; j++) {
                double di = i - KERNEL + 0.5, dj = j - KERNEL + 0.5;
                double sign = Math.signum(di) * Math.signum(dj);
                kernel[i][j] = sign * Math.exp(-(di * di + dj * dj) / (2 * Math.pow(KERNEL / 2.0, 2)));
            }
        }
        for (int c = KERNEL; c < blocks - KERNEL; c++) {
            double acc = 0;
            for (int i = 0; i < 2 * KERNEL; i++) {
                for (int j = 0; j < 2 * KERNEL; j++) {
                    acc += kernel[i][j] * dot(x[c - KERNEL + i], x[c - KERNEL + j]);
                }
            }
            novelty[c] = Math.max(0, acc);
        }
        double mean = 0, max = 1e-12;
        for (double v : novelty) {
            mean += v;
            max = Math.max(max, v);
        }
        mean /= blocks;
        double var = 0;
        for (double v : novelty) {
            var += (v - mean) * (v - mean);
        }
        double threshold = mean + 0.5 * Math.sqrt(var / blocks);
        int minGap = (int) Math.round(MIN_SECTION_SECONDS / BLOCK_SECONDS);
        // Strongest peaks first, so a weak peak never blocks a strong neighbour.
        List<Integer> candidates = new ArrayList<>();
        for (int c = 1; c < blocks - 1; c++) {
            if (novelty[c] > threshold && novelty[c] >= novelty[c - 1] && novelty[c] >= novelty[c + 1]) {
                candidates.add(c);
            }
        }
        candidates.sort((a, b) -> Double.compare(novelty[b], novelty[a]));
        List<Integer> chosen = new ArrayList<>();
        for (int c : candidates) {
            boolean far = c >= minGap && blocks - c >= minGap / 2;
            for (int k : chosen) {
                far &= Math.abs(k - c) >= minGap;
            }
            if (far) {
                chosen.add(c);
            }
        }
        chosen.sort(Integer::compare);
        for (int c : chosen) {
            out.add(new Boundary(c * per / f.frameRate(), novelty[c] / max));
        }
        return out;
    }

    private static double[][] pooled(SignalFeatures f, int per, int blocks) {
        int dims = 24;
        double[] mean = new double[12], sd = new double[12];
        int frames = f.frames();
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < 12; k++) {
                mean[k] += f.mfcc()[t][k + 1];
            }
        }
        for (int k = 0; k < 12; k++) {
            mean[k] /= frames;
        }
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < 12; k++) {
                double d = f.mfcc()[t][k + 1] - mean[k];
                sd[k] += d * d;
            }
        }
        for (int k = 0; k < 12; k++) {
            sd[k] = Math.sqrt(sd[k] / frames) + 1e-6;
        }
        double[][] x = new double[blocks][dims];
        for (int b = 0; b < blocks; b++) {
            for (int t = b * per; t < (b + 1) * per; t++) {
                for (int k = 0; k < 12; k++) {
                    x[b][k] += (f.mfcc()[t][k + 1] - mean[k]) / sd[k] / per;
                    x[b][12 + k] += f.chroma()[t][k] / per;
                }
            }
            double norm = Math.sqrt(dot(x[b], x[b]));
            if (norm > 0) {
                for (int k = 0; k < dims; k++) {
                    x[b][k] /= norm;
                }
            }
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
