package io.tunetrail.audio.tonal;

/**
 * Key and mode by Krumhansl–Schmuckler: the Pearson correlation of a chroma profile with the Krumhansl–Kessler
 * major and minor probe-tone profiles in all 12 rotations. The confidences are a softmax over the 24 correlations
 * (temperature {@value #TEMPERATURE}: a correlation 0.1 higher is e² times as likely): {@code keyConfidence} is the
 * winning tonic's share (both modes), {@code modeConfidence} the winning mode's share within that tonic. Chroma with
 * no pitch content (silence, or a profile flatter than {@value #MIN_SPREAD} relative spread, like white noise) gives
 * key −1 with zero confidences, Spotify's "no key detected".
 */
public final class KeyEstimator {
    static final double[] MAJOR = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    static final double[] MINOR = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
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
