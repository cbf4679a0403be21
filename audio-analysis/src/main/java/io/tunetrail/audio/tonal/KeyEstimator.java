package io.tunetrail.audio.tonal;

/**
 * Key and mode by the Krumhansl–Schmuckler method: the Pearson correlation of a chroma profile with major and minor
 * key profiles in all 12 rotations. The profiles are Temperley's (1999, from the Kostka–Payne corpus) rather than
 * Krumhansl–Kessler's probe-tone ratings: with K–K a plain C-major triad correlates better with E minor (the chroma's
 * octave weighting makes its C a little weaker than E and G, and K–K rates C, the minor sixth of E minor, almost
 * as high as E minor's own fifth); Temperley's profiles separate a triad from its relative and mediant keys. The confidences are a softmax over the 24 correlations
 * (temperature {@value #TEMPERATURE}: a correlation 0.1 higher is e² times as likely): {@code keyConfidence} is the
 * winning tonic's share (both modes), {@code modeConfidence} the winning mode's share within that tonic. Chroma with
 * no pitch content (silence, or a profile flatter than {@value #MIN_SPREAD} relative spread, like white noise) gives
 * key −1 with zero confidences, Spotify's "no key detected".
 */
public final class KeyEstimator {
    static final double[] MAJOR = {5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0};
    static final double[] MINOR = {5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0};
    static final double TEMPERATURE = 0.05;
    static final double MIN_SPREAD = 0.05;

    private KeyEstimator() {}

    /** @param key 0 = C .. 11 = B, −1 for none; @param mode 1 major, 0 minor */
    public record Key(int key, int mode, double keyConfidence, double modeConfidence) {
        public static final Key NONE = new Key(-1, 1, 0, 0);
    }

    public static Key estimate(double[] chroma) {
        double mean = 0, max = 0;
        for (double c : chroma) {
            mean += c;
            max = Math.max(max, c);
        }
        mean /= 12;
        double spread = 0;
        for (double c : chroma) {
            spread += (c - mean) * (c - mean);
        }
        spread = Math.sqrt(spread / 12);
        if (!(max > 1e-9) || spread / max < MIN_SPREAD) {
            return Key.NONE;
        }
        double[][] r = new double[2][12];
        double best = Double.NEGATIVE_INFINITY;
        int bestKey = 0, bestMode = 1;
        for (int mode = 0; mode <= 1; mode++) {
            double[] profile = mode == 1 ? MAJOR : MINOR;
            for (int tonic = 0; tonic < 12; tonic++) {
                double[] rotated = new double[12];
                for (int i = 0; i < 12; i++) {
                    rotated[(i + tonic) % 12] = profile[i];
                }
                r[mode][tonic] = pearson(chroma, rotated);
                if (r[mode][tonic] > best) {
                    best = r[mode][tonic];
                    bestKey = tonic;
                    bestMode = mode;
                }
            }
        }
        double total = 0;
        double[][] p = new double[2][12];
        for (int mode = 0; mode <= 1; mode++) {
            for (int tonic = 0; tonic < 12; tonic++) {
                p[mode][tonic] = Math.exp((r[mode][tonic] - best) / TEMPERATURE);
                total += p[mode][tonic];
            }
        }
        double tonicShare = (p[0][bestKey] + p[1][bestKey]) / total;
        double modeShare = p[bestMode][bestKey] / (p[0][bestKey] + p[1][bestKey]);
        return new Key(bestKey, bestMode, tonicShare, modeShare);
    }

    private static double pearson(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < 12; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= 12;
        mb /= 12;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < 12; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa <= 0 || sbb <= 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }
}
