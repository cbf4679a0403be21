package io.tunetrail.audio.embedding;

import io.tunetrail.audio.rhythm.Rhythm;
import io.tunetrail.audio.rhythm.TempoEstimator;
import io.tunetrail.audio.signal.SignalFeatures;
import java.util.Arrays;

/**
 * A fixed-size, L2-normalised description of how a recording sounds, for nearest-neighbour search (cosine distance =
 * 1 − dot product). {@value #DIMENSION} dimensions, the seeds' vector size, in ten blocks of statistics over time:
 *
 * <pre>
 *   dims     block                                                              weight
 *   0–127    log-mel mean per band (the long-term spectral shape)                0.20
 *   128–255  log-mel standard deviation per band (how each band moves)           0.15
 *   256–319  mean positive log-mel rise per pair of bands (where attacks live)   0.10
 *   320–376  MFCC 1–19: mean, standard deviation, std of frame-to-frame change    0.20
 *   377–400  chroma mean and standard deviation                                   0.10
 *   401–414  spectral contrast mean and standard deviation (7 octave bands)       0.05
 *   415–478  onset tempogram at 64 log-spaced tempi, 30–300 BPM                   0.05
 *   479–496  10th/50th/90th percentiles of centroid, roll-off, bandwidth (over
 *            Nyquist), flatness, zero-crossing rate, level (dB/60)                0.05
 *   497–508  mean absolute chroma change per pitch class                          0.05
 *   509–511  onset mean, onset deviation, log2(tempo/120)                          0.05
 * </pre>
 *
 * Each block is centred on its own mean where its entries share a unit (so a louder copy of the same sound, which
 * shifts every log-mel band alike, embeds the same), scaled to length √weight, and the whole vector is L2-normalised:
 * the dot product of two embeddings is the weight-averaged cosine similarity of their blocks. Silence has no shape
 * and embeds as the constant vector 1/√512. Changing any of this changes {@link #MODEL}.
 */
public record SignalEmbedding(String model, float[] vector) {
    public static final int DIMENSION = 512;
    public static final String MODEL = "tunetrail-signal-stats-v1";

    private static final double[] WEIGHTS = {0.20, 0.15, 0.10, 0.20, 0.10, 0.05, 0.05, 0.05, 0.05, 0.05};

    public int dimension() {
        return vector.length;
    }

    /** Cosine similarity with another embedding of the same model. */
    public double similarity(SignalEmbedding other) {
        double s = 0;
        for (int i = 0; i < DIMENSION; i++) {
            s += vector[i] * other.vector[i];
        }
        return s;
    }

    public static SignalEmbedding of(SignalFeatures f, float[] levelDb, Rhythm rhythm) {
        int n = f.frames();
        double nyquist = f.sampleRate() / 2.0;
        double[][] blocks = new double[10][];
        float[][] mel = f.melDb();
        int bands = mel[0].length;
        blocks[0] = centred(mean(mel));
        blocks[1] = centred(std(mel));
        double[] rise = new double[64];
        for (int t = 1; t < n; t++) {
            for (int m = 0; m < bands; m++) {
                rise[m * 64 / bands] += Math.max(0, mel[t][m] - mel[t - 1][m]);
            }
        }
        blocks[2] = centred(rise);
        float[][] mfcc = f.mfcc();
        double[] mMean = mean(mfcc), mStd = std(mfcc), dStd = std(delta(mfcc));
        double[] cep = new double[57];
        for (int k = 1; k < 20; k++) {
            cep[k - 1] = mMean[k];
            cep[18 + k] = mStd[k];
            cep[37 + k] = dStd[k];
        }
        blocks[3] = cep;
        blocks[4] = concat(centred(mean(f.chroma())), centred(std(f.chroma())));
        blocks[5] = concat(centred(mean(f.contrast())), centred(std(f.contrast())));
        blocks[6] = centred(logTempogram(f));
        blocks[7] = concat(percentiles(f.centroid(), nyquist), percentiles(f.rolloff(), nyquist),
                percentiles(f.bandwidth(), nyquist), percentiles(f.flatness(), 1), percentiles(f.zcr(), 1),
                percentiles(levelDb, -60));
        blocks[8] = absMeanDelta(f.chroma());
        double onsetMean = 0, onsetSq = 0;
        for (float v : f.onset()) {
            onsetMean += v;
            onsetSq += v * v;
        }
        onsetMean /= Math.max(1, n);
        double onsetStd = Math.sqrt(Math.max(0, onsetSq / Math.max(1, n) - onsetMean * onsetMean));
        blocks[9] = new double[] {onsetMean / 10, onsetStd / 10, Math.log(rhythm.tempo() / 120) / Math.log(2)};
        float[] vector = new float[DIMENSION];
        int at = 0;
        double total = 0;
        for (int b = 0; b < blocks.length; b++) {
            double norm = Math.sqrt(dot(blocks[b], blocks[b]));
            double scale = norm > 1e-12 && Double.isFinite(norm) ? Math.sqrt(WEIGHTS[b]) / norm : 0;
            for (double v : blocks[b]) {
                vector[at] = (float) (v * scale);
                total += vector[at] * (double) vector[at];
                at++;
            }
        }
        if (at != DIMENSION) {
            throw new IllegalStateException("embedding blocks add up to " + at + " dimensions, not " + DIMENSION);
        }
        if (total <= 1e-12) {
            Arrays.fill(vector, (float) (1 / Math.sqrt(DIMENSION)));
        } else {
            float inv = (float) (1 / Math.sqrt(total));
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] *= inv;
            }
        }
        return new SignalEmbedding(MODEL, vector);
    }

    private static double[] logTempogram(SignalFeatures f) {
        double[] tg = TempoEstimator.tempogram(f.onset());
        double[] out = new double[64];
        for (int i = 0; i < 64; i++) {
            double bpm = 30 * Math.pow(10, i / 63.0);
            double lag = 60 * f.frameRate() / bpm;
            int l = (int) Math.floor(lag);
            double frac = lag - l;
            out[i] = l + 1 < tg.length ? (1 - frac) * tg[l] + frac * tg[l + 1] : 0;
        }
        return out;
    }

    private static double[] absMeanDelta(float[][] x) {
        int dims = x[0].length;
        double[] out = new double[dims];
        for (int t = 1; t < x.length; t++) {
            for (int k = 0; k < dims; k++) {
                out[k] += Math.abs(x[t][k] - x[t - 1][k]);
            }
        }
        for (int k = 0; k < dims; k++) {
            out[k] /= Math.max(1, x.length - 1);
        }
        return out;
    }

    private static double[] percentiles(float[] x, double scale) {
        float[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return new double[] {s[(int) (0.1 * (n - 1))] / scale, s[(int) (0.5 * (n - 1))] / scale,
                s[(int) (0.9 * (n - 1))] / scale};
    }

    private static float[][] delta(float[][] x) {
        float[][] d = new float[Math.max(1, x.length - 1)][x[0].length];
        for (int t = 1; t < x.length; t++) {
            for (int k = 0; k < x[0].length; k++) {
                d[t - 1][k] = x[t][k] - x[t - 1][k];
            }
        }
        return d;
    }

    private static double[] mean(float[][] x) {
        double[] m = new double[x[0].length];
        for (float[] row : x) {
            for (int k = 0; k < m.length; k++) {
                m[k] += row[k];
            }
        }
        for (int k = 0; k < m.length; k++) {
            m[k] /= x.length;
        }
        return m;
    }

    private static double[] std(float[][] x) {
        double[] m = mean(x);
        double[] s = new double[m.length];
        for (float[] row : x) {
            for (int k = 0; k < m.length; k++) {
                s[k] += (row[k] - m[k]) * (row[k] - m[k]);
            }
        }
        for (int k = 0; k < m.length; k++) {
            s[k] = Math.sqrt(s[k] / x.length);
        }
        return s;
    }

    private static double[] centred(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - m;
        }
        return out;
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
