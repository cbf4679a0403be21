package io.tunetrail.audio.perceptual;

import io.tunetrail.audio.rhythm.Rhythm;
import io.tunetrail.audio.signal.SignalFeatures;
import io.tunetrail.audio.tonal.KeyEstimator.Key;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Track-level summaries of the frame descriptors that the perceptual model reads. Frames more than
 * {@value #ACTIVE_DB} dB below the track's loud level (its 95th percentile) count as pauses and are left out of the
 * spectral means, so a quiet intro does not make a track "dull".
 *
 * @param loudness          integrated loudness, LUFS
 * @param levelDb           95th percentile frame level, dB full scale
 * @param dynamicRange      95th minus 10th percentile of active frame levels, dB
 * @param pauseRatio        share of frames more than 30 dB under the loud level (gaps between words, rests)
 * @param centroid          mean spectral centroid of active frames, Hz
 * @param rolloff           mean 85% roll-off of active frames, Hz
 * @param flatness          mean spectral flatness of active frames, 0..1
 * @param zcr               mean zero-crossing rate of active frames
 * @param contrast          mean spectral contrast over bands and active frames, dB
 * @param onsetRate         onsets per second
 * @param onsetMean         mean onset strength (dB rise per band and frame)
 * @param syllabicModulation share of the level envelope's modulation energy at 3–6 Hz among 0.5–12 Hz: the syllable
 *                          rate of speech
 * @param pitchStability    share of voiced frames whose strongest chroma class is the previous frame's: sustained notes
 * @param chromaPeakiness   mean over active frames of (max − mean) of the max-normalised chroma: 1 for one clear pitch
 *                          class, 0 for noise
 * @param lowBandShare      share of power below 250 Hz (bass, kick drums), from the mel spectrum
 * @param highBandShare     share of power above 4 kHz (cymbals, distortion, noise)
 */
public record Descriptors(double duration, double loudness, double levelDb, double dynamicRange, double pauseRatio,
        double centroid, double rolloff, double flatness, double zcr, double contrast, double onsetRate,
        double onsetMean, double syllabicModulation, double pitchStability, double chromaPeakiness,
        double lowBandShare, double highBandShare, double tempo, double tempoConfidence, double beatRegularity,
        double keyConfidence, int mode, double modeConfidence) {
    static final double ACTIVE_DB = 30;

    public static Descriptors of(SignalFeatures f, float[] levelDb, double loudness, Rhythm rhythm, Key key,
            int onsetCount, double duration) {
        int n = f.frames();
        double[] sorted = new double[n];
        for (int t = 0; t < n; t++) {
            sorted[t] = levelDb[t];
        }
        Arrays.sort(sorted);
        double loud = sorted[(int) (0.95 * (n - 1))];
        boolean[] active = new boolean[n];
        int activeCount = 0;
        for (int t = 0; t < n; t++) {
            active[t] = levelDb[t] > loud - ACTIVE_DB && levelDb[t] > -70;
            activeCount += active[t] ? 1 : 0;
        }
        double[] activeLevels = new double[activeCount];
        double centroid = 0, rolloff = 0, flatness = 0, zcr = 0, contrast = 0, peaky = 0;
        int stable = 0, voiced = 0, prev = -1;
        int i = 0;
        for (int t = 0; t < n; t++) {
            if (!active[t]) {
                prev = -1;
                continue;
            }
            activeLevels[i++] = levelDb[t];
            centroid += f.centroid()[t];
            rolloff += f.rolloff()[t];
            flatness += f.flatness()[t];
            zcr += f.zcr()[t];
            double c = 0;
            for (float v : f.contrast()[t]) {
                c += v;
            }
            contrast += c / f.contrast()[t].length;
            int arg = 0;
            double mean = 0;
            for (int k = 0; k < 12; k++) {
                mean += f.chroma()[t][k];
                if (f.chroma()[t][k] > f.chroma()[t][arg]) {
                    arg = k;
                }
            }
            mean /= 12;
            peaky += f.chroma()[t][arg] - mean;
            if (prev >= 0) {
                voiced++;
                stable += arg == prev ? 1 : 0;
            }
            prev = arg;
        }
        int a = Math.max(1, activeCount);
        Arrays.sort(activeLevels);
        double dynamicRange = activeCount == 0 ? 0
                : activeLevels[(int) (0.95 * (activeCount - 1))] - activeLevels[(int) (0.10 * (activeCount - 1))];
        double onsetMean = 0;
        for (float v : f.onset()) {
            onsetMean += v;
        }
        onsetMean /= Math.max(1, n);
        double[] bands = bandShares(f);
        return new Descriptors(duration, loudness, loud, dynamicRange, 1 - activeCount / (double) Math.max(1, n),
                centroid / a, rolloff / a, flatness / a, zcr / a, contrast / a, onsetCount / Math.max(1e-9, duration),
                onsetMean, syllabicModulation(levelDb, f.frameRate(), loud), voiced == 0 ? 0 : stable / (double) voiced,
                peaky / a, bands[0], bands[1], rhythm.tempo(), rhythm.tempoConfidence(), beatRegularity(rhythm),
                key.keyConfidence(), key.mode(), key.modeConfidence());
    }

    /** 1 − the coefficient of variation of inter-beat intervals (0 with fewer than four beats). */
    static double beatRegularity(Rhythm rhythm) {
        int n = rhythm.beats().size();
        if (n < 4) {
            return 0;
        }
        double mean = 0, ss = 0;
        for (int i = 0; i + 1 < n; i++) {
            mean += rhythm.beats().get(i).duration();
        }
        mean /= n - 1;
        for (int i = 0; i + 1 < n; i++) {
            double d = rhythm.beats().get(i).duration() - mean;
            ss += d * d;
        }
        return Math.max(0, 1 - Math.sqrt(ss / (n - 1)) / Math.max(1e-9, mean));
    }

    static double syllabicModulation(float[] levelDb, double frameRate, double loud) {
        int n = levelDb.length;
        int size = Integer.highestOneBit(Math.max(2, n)) * 2;
        double[] env = new double[size];
        double mean = 0;
        for (int t = 0; t < n; t++) {
            env[t] = Math.max(levelDb[t], loud - ACTIVE_DB);
            mean += env[t];
        }
        mean /= Math.max(1, n);
        for (int t = 0; t < n; t++) {
            env[t] -= mean;
        }
        new DoubleFFT_1D(size).realForward(env);
        double syllabic = 0, total = 0;
        for (int k = 1; k < size / 2; k++) {
            double hz = k * frameRate / size;
            double p = env[2 * k] * env[2 * k] + env[2 * k + 1] * env[2 * k + 1];
            if (hz >= 0.5 && hz <= 12) {
                total += p;
                if (hz >= 3 && hz <= 6) {
                    syllabic += p;
                }
            }
        }
        return total <= 0 ? 0 : syllabic / total;
    }

    private static double[] bandShares(SignalFeatures f) {
        int mels = f.melDb()[0].length;
        double low = 0, high = 0, all = 0;
        int lowBands = -1, highBands = -1;
        // Slaney mel: linear below 1 kHz at 200/3 Hz per mel; 250 Hz is mel 3.75 of 0..mels+1 spaced up to Nyquist.
        double maxMel = melOf(f.sampleRate() / 2.0);
        for (int m = 0; m < mels; m++) {
            double centre = hzOf(maxMel * (m + 1) / (mels + 1));
            if (centre < 250) {
                lowBands = m;
            }
            if (centre < 4000) {
                highBands = m;
            }
        }
        for (float[] row : f.melDb()) {
            for (int m = 0; m < mels; m++) {
                double p = Math.pow(10, row[m] / 10);
                all += p;
                if (m <= lowBands) {
                    low += p;
                }
                if (m > highBands) {
                    high += p;
                }
            }
        }
        return all <= 0 ? new double[] {0, 0} : new double[] {low / all, high / all};
    }

    private static double melOf(double hz) {
        return hz >= 1000 ? 15 + Math.log(hz / 1000) / (Math.log(6.4) / 27) : hz / (200.0 / 3);
    }

    private static double hzOf(double mel) {
        return mel >= 15 ? 1000 * Math.exp(Math.log(6.4) / 27 * (mel - 15)) : mel * 200.0 / 3;
    }
}
