package io.tunetrail.audio.decode;

/**
 * A polyphase windowed-sinc resampler for any pair of integer rates. The low-pass sits at 95% of the lower Nyquist
 * frequency with a Kaiser window (beta 9, 16 zero crossings each side): about 90 dB of stop-band attenuation, so what
 * lies above the new Nyquist frequency is removed instead of folding back into the analysis band as aliases.
 * Rates whose ratio needs more than {@value #MAX_PHASES} phases use the nearest of that many (an error below 2^-12 of
 * a sample, far below what any feature resolves).
 */
public final class Resampler {
    static final int MAX_PHASES = 4096;
    private static final int ZERO_CROSSINGS = 16;
    private static final double ROLLOFF = 0.95;
    private static final double KAISER_BETA = 9.0;

    private Resampler() {}

    public static float[] resample(float[] x, int inRate, int outRate) {
        if (inRate == outRate) {
            return x.clone();
        }
        long g = gcd(inRate, outRate);
        long up = outRate / g;
        long down = inRate / g;
        int phases = (int) Math.min(up, MAX_PHASES);
        // Cut-off in cycles per input sample.
        double fc = 0.5 * Math.min(1.0, (double) outRate / inRate) * ROLLOFF;
        int half = (int) Math.ceil(ZERO_CROSSINGS / (2 * fc));
        int taps = 2 * half;
        float[][] table = new float[phases + 1][taps];
        double i0Beta = besselI0(KAISER_BETA);
        for (int p = 0; p <= phases; p++) {
            double frac = p / (double) phases;
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                double tau = frac - (k - half + 1);
                double r = tau / half;
                double w = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
                double h = 2 * fc * sinc(2 * fc * tau) * w;
                table[p][k] = (float) h;
                sum += h;
            }
            // Unity gain at DC in every phase, so a constant stays constant.
            for (int k = 0; k < taps; k++) {
                table[p][k] /= (float) sum;
            }
        }
        int outLength = (int) ((long) x.length * up / down);
        float[] y = new float[outLength];
        for (int n = 0; n < outLength; n++) {
            long pos = n * down;
            int i = (int) (pos / up);
            int phase = phases == up ? (int) (pos % up) : (int) Math.round((pos % up) * (double) phases / up);
            float[] h = table[phase];
            int start = i - half + 1;
            double acc = 0;
            if (start >= 0 && start + taps <= x.length) {
                for (int k = 0; k < taps; k++) {
                    acc += x[start + k] * h[k];
                }
            } else {
                for (int k = 0; k < taps; k++) {
                    int j = start + k;
                    if (j >= 0 && j < x.length) {
                        acc += x[j] * h[k];
                    }
                }
            }
            y[n] = (float) acc;
        }
        return y;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 50 && term > 1e-12 * sum; k++) {
            term *= q / (k * k);
            sum += term;
        }
        return sum;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
