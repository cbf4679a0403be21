package io.tunetrail.audio.decode;

import java.util.Arrays;

/**
 * Integrated loudness per ITU-R BS.1770-4 on the decoded channels at their own rate: K-weighting (a +4 dB high shelf
 * at 1.5 kHz and a 38 Hz high-pass, the biquads derived for any sample rate as pyloudnorm does), channel powers summed
 * with weight 1 (front channels; the analyser does not see surround layouts), 400 ms blocks with 75% overlap, an
 * absolute gate at -70 LUFS and a relative gate 10 LU below the ungated mean.
 */
public final class LoudnessMeter {
    /** What a file with no block above the absolute gate (silence) reports: Spotify's floor. */
    public static final double SILENCE_LUFS = -60.0;

    private final Biquad[] shelf;
    private final Biquad[] highPass;
    private final int subBlockFrames;
    private double subBlockEnergy;
    private int subBlockFill;
    private double[] subBlocks = new double[64];
    private int subBlockCount;

    public LoudnessMeter(int channels, int sampleRate) {
        shelf = new Biquad[channels];
        highPass = new Biquad[channels];
        for (int c = 0; c < channels; c++) {
            shelf[c] = Biquad.highShelf(sampleRate, 1500.0, 4.0, 1 / Math.sqrt(2));
            highPass[c] = Biquad.highPass(sampleRate, 38.0, 0.5);
        }
        subBlockFrames = Math.max(1, sampleRate / 10);
    }

    /** Feeds {@code frames} interleaved frames of the meter's channel count. */
    public void accept(float[] interleaved, int frames) {
        int channels = shelf.length;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                double y = highPass[c].apply(shelf[c].apply(interleaved[f * channels + c]));
                sum += y * y;
            }
            subBlockEnergy += sum;
            if (++subBlockFill == subBlockFrames) {
                if (subBlockCount == subBlocks.length) {
                    subBlocks = Arrays.copyOf(subBlocks, subBlocks.length * 2);
                }
                subBlocks[subBlockCount++] = subBlockEnergy / subBlockFrames;
                subBlockEnergy = 0;
                subBlockFill = 0;
            }
        }
    }

    /** The gated integrated loudness in LUFS, {@link #SILENCE_LUFS} when nothing passes the absolute gate. */
    public double integratedLufs() {
        int blocks = Math.max(0, subBlockCount - 3);
        double[] power = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            power[b] = (subBlocks[b] + subBlocks[b + 1] + subBlocks[b + 2] + subBlocks[b + 3]) / 4;
        }
        if (blocks == 0 && subBlockCount > 0) {
            // Shorter than one 400 ms block: measure what there is rather than calling it silence.
            double sum = 0;
            for (int i = 0; i < subBlockCount; i++) {
                sum += subBlocks[i];
            }
            power = new double[] {sum / subBlockCount};
        }
        double absoluteGate = Math.pow(10, (-70 + 0.691) / 10);
        double mean = gatedMean(power, absoluteGate);
        if (Double.isNaN(mean)) {
            return SILENCE_LUFS;
        }
        double relativeGate = mean * Math.pow(10, -10.0 / 10);
        double gated = gatedMean(power, Math.max(absoluteGate, relativeGate));
        return Math.max(SILENCE_LUFS, -0.691 + 10 * Math.log10(gated));
    }

    private static double gatedMean(double[] power, double gate) {
        double sum = 0;
        int n = 0;
        for (double p : power) {
            if (p > gate) {
                sum += p;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** A direct-form-I biquad with the RBJ cookbook designs BS.1770's K-weighting is made of. */
    static final class Biquad {
        private final double b0, b1, b2, a1, a2;
        private double x1, x2, y1, y2;

        private Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
            this.b0 = b0 / a0;
            this.b1 = b1 / a0;
            this.b2 = b2 / a0;
            this.a1 = a1 / a0;
            this.a2 = a2 / a0;
        }

        static Biquad highShelf(int rate, double fc, double gainDb, double q) {
            double a = Math.pow(10, gainDb / 40), w0 = 2 * Math.PI * fc / rate, cos = Math.cos(w0);
            double alpha = Math.sin(w0) / (2 * q), sq = 2 * Math.sqrt(a) * alpha;
            return new Biquad(a * ((a + 1) + (a - 1) * cos + sq), -2 * a * ((a - 1) + (a + 1) * cos),
                    a * ((a + 1) + (a - 1) * cos - sq), (a + 1) - (a - 1) * cos + sq, 2 * ((a - 1) - (a + 1) * cos),
                    (a + 1) - (a - 1) * cos - sq);
        }

        static Biquad highPass(int rate, double fc, double q) {
            double w0 = 2 * Math.PI * fc / rate, cos = Math.cos(w0), alpha = Math.sin(w0) / (2 * q);
            return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
        }

        double apply(double x) {
            double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
            return y;
        }
    }
}
