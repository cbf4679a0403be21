package io.tunetrail.audio.rhythm;

import io.tunetrail.audio.rhythm.BeatTracker.Beat;
import io.tunetrail.audio.rhythm.MeterEstimator.Meter;
import io.tunetrail.audio.rhythm.Rhythm.Pulse;
import java.util.ArrayList;
import java.util.List;

/** Tempo, beats, meter, bars and tatums from an onset envelope and per-frame loudness. */
public final class RhythmAnalyser {
    /** Beats that deviate from the fitted grid by more than this share of a period mean the tempo is not steady. */
    private static final double STEADY_RESIDUAL = 0.1;

    private RhythmAnalyser() {}

    /**
     * @param onset     onset strength per frame
     * @param rmsDb     loudness per frame in dB (the accent of a beat is its onset strength plus its loudness rise)
     * @param frameRate frames per second
     * @param duration  seconds of audio (the last beat, bar and tatum end there)
     */
    public static Rhythm analyse(float[] onset, float[] rmsDb, double frameRate, double duration) {
        TempoEstimate estimate = TempoEstimator.estimate(onset, frameRate);
        List<Beat> beats = BeatTracker.track(onset, estimate.periodFrames());
        double tempo = refinedTempo(beats, estimate, frameRate);
        double[] accents = new double[beats.size()];
        for (int i = 0; i < accents.length; i++) {
            accents[i] = accent(onset, rmsDb, beats.get(i).frame());
        }
        Meter meter = MeterEstimator.estimate(accents);
        List<Pulse> beatPulses = new ArrayList<>();
        for (int i = 0; i < beats.size(); i++) {
            double start = beats.get(i).frame() / frameRate;
            double end = i + 1 < beats.size() ? beats.get(i + 1).frame() / frameRate : Math.min(duration, start + 60 / tempo);
            beatPulses.add(new Pulse(start, Math.max(0, end - start), beats.get(i).confidence()));
        }
        List<Pulse> bars = new ArrayList<>();
        for (int i = meter.phase(); i < beatPulses.size(); i += meter.timeSignature()) {
            int next = i + meter.timeSignature();
            Pulse b = beatPulses.get(i);
            double end = next < beatPulses.size() ? beatPulses.get(next).start()
                    : Math.min(duration, b.start() + meter.timeSignature() * 60 / tempo);
            bars.add(new Pulse(b.start(), Math.max(0, end - b.start()), b.confidence() * meter.confidence()));
        }
        List<Pulse> tatums = new ArrayList<>();
        for (Pulse b : beatPulses) {
            double half = b.duration() / 2;
            tatums.add(new Pulse(b.start(), half, b.confidence()));
            tatums.add(new Pulse(b.start() + half, half, b.confidence() * 0.5));
        }
        double tempoConfidence = beats.size() < 4 ? estimate.confidence() * 0.5 : estimate.confidence();
        return new Rhythm(tempo, tempoConfidence, meter.timeSignature(), meter.confidence(), beatPulses, bars, tatums);
    }

    /**
     * The slope of beat times over beat index (least squares) when the beats follow one steady grid: far finer than
     * the tempogram's whole-frame lags (at 180 BPM one frame of lag is 4%). Otherwise the tempogram's estimate.
     */
    static double refinedTempo(List<Beat> beats, TempoEstimate estimate, double frameRate) {
        int n = beats.size();
        if (n < 4) {
            return estimate.bpm();
        }
        double mi = (n - 1) / 2.0, mf = 0;
        for (Beat b : beats) {
            mf += b.frame();
        }
        mf /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (i - mi) * (beats.get(i).frame() - mf);
            sxx += (i - mi) * (i - mi);
        }
        double period = sxy / sxx;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double d = beats.get(i).frame() - (mf + (i - mi) * period);
            residual += d * d;
        }
        residual = Math.sqrt(residual / n);
        if (!(period > 0) || residual > STEADY_RESIDUAL * period
                || Math.abs(period - estimate.periodFrames()) > 0.08 * estimate.periodFrames()) {
            return estimate.bpm();
        }
        return 60 * frameRate / period;
    }

    /**
     * A beat's accent: the total onset strength within ±2 frames (a sum, not a peak: a click that straddles two frames
     * spreads its rise over both, and a peak would then depend on where the frame grid happens to fall) plus half the
     * loudest level in dB just after it.
     */
    private static double accent(float[] onset, float[] rmsDb, double frame) {
        int f = (int) Math.round(frame);
        double rise = 0;
        for (int i = Math.max(0, f - 2); i <= Math.min(onset.length - 1, f + 2); i++) {
            rise += onset[i];
        }
        double level = -Double.MAX_VALUE;
        for (int i = Math.max(0, f - 1); i <= Math.min(rmsDb.length - 1, f + 3); i++) {
            level = Math.max(level, rmsDb[i]);
        }
        return rise + 0.5 * (level == -Double.MAX_VALUE ? 0 : level);
    }
}
