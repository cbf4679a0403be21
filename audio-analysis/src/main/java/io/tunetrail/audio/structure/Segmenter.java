package io.tunetrail.audio.structure;

import io.tunetrail.audio.document.Segment;
import io.tunetrail.audio.signal.SignalFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Segments from onset peaks, picked as librosa's {@code onset_detect} does (a local maximum over the previous 30 ms,
 * at least {@value #DELTA} above the mean of ±100 ms, 30 ms after the previous onset, on the envelope scaled to 0..1),
 * an absolute rise of at least {@value #MIN_RISE_DB} dB, with segments shorter than {@value #MIN_SECONDS} s merged into the one before and silence not split.
 */
public final class Segmenter {
    static final double DELTA = 0.07;
    static final double MIN_SECONDS = 0.08;
    /**
     * An onset must also rise by this much (dB, averaged over the mel bands) in absolute terms: the envelope is scaled
     * to its maximum, and a steady tone's largest wobble would otherwise count as an attack.
     */
    static final double MIN_RISE_DB = 0.5;

    private Segmenter() {}

    public static List<Integer> onsets(float[] onset, double frameRate) {
        int n = onset.length;
        double max = 0;
        for (float v : onset) {
            max = Math.max(max, v);
        }
        List<Integer> peaks = new ArrayList<>();
        if (max <= 1e-9) {
            return peaks;
        }
        int preMax = Math.max(1, (int) Math.round(0.03 * frameRate));
        int avg = Math.max(1, (int) Math.round(0.10 * frameRate));
        int wait = preMax;
        int last = -wait - 1;
        for (int t = 0; t < n; t++) {
            double v = onset[t] / max;
            boolean isMax = true;
            for (int i = Math.max(0, t - preMax); i < t; i++) {
                if (onset[i] / max > v) {
                    isMax = false;
                    break;
                }
            }
            if (t + 1 < n && onset[t + 1] > onset[t]) {
                isMax = false;
            }
            double mean = 0;
            int cnt = 0;
            for (int i = Math.max(0, t - avg); i <= Math.min(n - 1, t + avg); i++) {
                mean += onset[i] / max;
                cnt++;
            }
            mean /= cnt;
            if (isMax && v >= mean + DELTA && onset[t] >= MIN_RISE_DB && t - last > wait) {
                peaks.add(t);
                last = t;
            }
        }
        return peaks;
    }

    public static List<Segment> segments(SignalFeatures f, float[] levelDb, double duration) {
        double fr = f.frameRate();
        List<Integer> bounds = new ArrayList<>();
        bounds.add(0);
        int minFrames = (int) Math.ceil(MIN_SECONDS * fr);
        for (int p : onsets(f.onset(), fr)) {
            if (p - bounds.get(bounds.size() - 1) >= minFrames) {
                bounds.add(p);
            }
        }
        int frames = f.frames();
        double onsetMax = 1e-9;
        for (float v : f.onset()) {
            onsetMax = Math.max(onsetMax, v);
        }
        List<Segment> out = new ArrayList<>();
        for (int s = 0; s < bounds.size(); s++) {
            int from = bounds.get(s);
            int to = s + 1 < bounds.size() ? bounds.get(s + 1) : frames;
            if (to <= from) {
                continue;
            }
            double start = from / fr;
            double end = s + 1 < bounds.size() ? to / fr : duration;
            double[] pitches = new double[12];
            double[] timbre = new double[12];
            int loudest = from;
            for (int t = from; t < to; t++) {
                for (int c = 0; c < 12; c++) {
                    pitches[c] += f.chroma()[t][c];
                    timbre[c] += f.mfcc()[t][c];
                }
                if (levelDb[t] > levelDb[loudest]) {
                    loudest = t;
                }
            }
            double pmax = 0;
            for (int c = 0; c < 12; c++) {
                timbre[c] /= (to - from);
                pmax = Math.max(pmax, pitches[c]);
            }
            for (int c = 0; c < 12; c++) {
                pitches[c] = pmax > 0 ? pitches[c] / pmax : 0;
            }
            double confidence = from == 0 ? 0 : f.onset()[from] / onsetMax;
            out.add(new Segment(start, Math.max(0, end - start), confidence, levelDb[from], levelDb[loudest],
                    (loudest - from) / fr, levelDb[to - 1], pitches, timbre));
        }
        return out;
    }
}
