package io.tunetrail.audio.rhythm;

/**
 * The time signature from beat-level accents: for each candidate bar length m in 3..7 and each phase, a two-sample z
 * statistic of the accents of the beats at that phase against all other beats (so that a bar length with fewer beats
 * per phase, or more phases to choose from, gets no head start from chance). A bar of m beats also fits 2m and a 4/4
 * fits 8; the smallest m scoring within 90% of the best wins. When no candidate reaches z = {@value #MIN_Z} the
 * answer is 4, Spotify's default, with a confidence under 0.2 that says it is a guess.
 */
public final class MeterEstimator {
    static final double MIN_Z = 3.5;
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
                double z = (in / nIn - out / nOut) / (std * Math.sqrt(1.0 / nIn + 1.0 / nOut));
                if (z > score[m]) {
                    score[m] = z;
                    phaseOf[m] = p;
                }
            }
        }
        double best = 0;
        for (int m = 3; m <= 7; m++) {
            best = Math.max(best, score[m]);
        }
        if (best < MIN_Z) {
            return new Meter(4, phaseOf[4], 0.2 * TempoEstimator.clamp(score[4] / MIN_Z));
        }
        int chosen = 4;
        for (int m = 3; m <= 7; m++) {
            if (score[m] >= SAME_AS_BEST * best) {
                chosen = m;
                break;
            }
        }
        // Confidence: the winner's z (saturating at 8) times its margin over bar lengths that are not its multiples.
        double rival = 0;
        for (int m = 3; m <= 7; m++) {
            if (m != chosen && m % chosen != 0 && chosen % m != 0) {
                rival = Math.max(rival, score[m]);
            }
        }
        double strength = TempoEstimator.clamp(score[chosen] / 8);
        double margin = TempoEstimator.clamp((score[chosen] - Math.max(0, rival)) / score[chosen]);
        return new Meter(chosen, phaseOf[chosen], strength * margin);
    }
}
