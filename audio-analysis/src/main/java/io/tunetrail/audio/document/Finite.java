package io.tunetrail.audio.document;

/**
 * The document's one rule for numbers: finite and rounded to 5 decimals (Spotify's precision). A non-finite value
 * becomes 0 here rather than NaN or Infinity in JSON, which strict parsers reject.
 */
final class Finite {
    private Finite() {}

    static double of(double x) {
        return Double.isFinite(x) ? Math.round(x * 1e5) / 1e5 : 0.0;
    }

    static double[] of(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = of(xs[i]);
        }
        return out;
    }
}
