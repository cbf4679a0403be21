package io.tunetrail.audio.rhythm;

/**
 * The time signature from beat-level accents: for each candidate bar length m in 3..7 and each phase, how much the
 * beats at that phase stand out (mean accent of those beats minus the mean of the others, in standard deviations of
 * all accents). A bar of m beats also fits 2m, and a 4/4 fits 8; the smallest m scoring within 90% of the best wins.
 * When no candidate shows accents (score under {@value #MIN_SCORE} standard deviations) the answer is 4, Spotify's
 * default, with a confidence that says it is a guess.
 */
public final class MeterEstimator {
    static final double MIN_SCORE = 0.5;
    private static final double SAME_AS_BEST = 0.9;

    private MeterEstimator() {}

    /** @param timeSignature beats per bar; @param phase index of the first downbeat; @param confidence 0..1 */
    public record Meter(int timeSignature, int phase, double confidence) {}

    public static Meter estimate(double[] accents) {
        int n = accents.length;
        double mean = 0;
        for (double a : accents) {
            mean += a;
        }
        mean /= Math.max(1, n);
        double var = 0;
        for (double a : accents) {
            var += (a - mean) * (a - mean);
        }
        double std = Math.sqrt(var / Math.max(1, n));
        double[] score = new double[8];
        int[] phaseOf = new int[8];
        for (int m = 3; m <= 7; m++) {
            if (n < 2 * m || std < 1e-9) {
                continue;
            }
            score[m] = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < m; p++) {
                double in = 0, out = 0;
                int nIn = 0, nOut = 0;
                for (int i = 0; i < n; i++) {
                    if (i % m == p) {
                        in += accents[i];
                        nIn++;
                    } else {
                        out += accents[i];
                        nOut++;
                    }
                }
                double s = (in / nIn - out / nOut) / std;
                if (s > score[m]) {
                    score[m] = s;
                    phaseOf[m] = p;
                }
            }
        }
        double best = 0;
        for (int m = 3; m <= 7; m++) {
            best = Math.max(best, score[m]);
        }
        if (best < MIN_SCORE) {
            int phase = 0;
            return new Meter(4, phase, TempoEstimator.clamp(0.2 * best / MIN_SCORE));
        }
        int chosen = 4;
        for (int m = 3; m <= 7; m++) {
            if (score[m] >= SAME_AS_BEST * best) {
                chosen = m;
                break;
            }
        }
        // Confidence: the winner's accent contrast (saturating at 2 sd) times its margin over unrelated bar lengths.
        double rival = 0;
        for (int m = 3; m <= 7; m++) {
            if (m != chosen && m % chosen != 0 && chosen % m != 0) {
                rival = Math.max(rival, score[m]);
            }
        }
        double strength = TempoEstimator.clamp(score[chosen] / 2);
        double margin = TempoEstimator.clamp((score[chosen] - Math.max(0, rival)) / score[chosen]);
        return new Meter(chosen, phaseOf[chosen], strength * margin);
    }
}
