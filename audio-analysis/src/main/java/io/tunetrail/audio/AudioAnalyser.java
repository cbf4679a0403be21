package io.tunetrail.audio;

import io.tunetrail.audio.decode.AudioDecoder;
import io.tunetrail.audio.decode.DecodedAudio;
import io.tunetrail.audio.document.AnalysisDocument;
import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.audio.document.Section;
import io.tunetrail.audio.document.Segment;
import io.tunetrail.audio.document.TimeInterval;
import io.tunetrail.audio.document.TrackSummary;
import io.tunetrail.audio.embedding.SignalEmbedding;
import io.tunetrail.audio.perceptual.Descriptors;
import io.tunetrail.audio.perceptual.PerceptualModel;
import io.tunetrail.audio.rhythm.Rhythm;
import io.tunetrail.audio.rhythm.Rhythm.Pulse;
import io.tunetrail.audio.rhythm.RhythmAnalyser;
import io.tunetrail.audio.signal.FeatureExtractor;
import io.tunetrail.audio.signal.SignalFeatures;
import io.tunetrail.audio.structure.SectionFinder;
import io.tunetrail.audio.structure.SectionFinder.Boundary;
import io.tunetrail.audio.structure.Segmenter;
import io.tunetrail.audio.tonal.KeyEstimator;
import io.tunetrail.audio.tonal.KeyEstimator.Key;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The analyser's one entry point: encoded audio in (with the limits it must respect), features, document and
 * embedding out. Stateless after construction and safe to share between threads; each call is CPU-bound work for one
 * thread (about 1/50 of the audio's duration or less), so callers bound their own pool.
 */
public final class AudioAnalyser {
    /** Bumped whenever any output changes for the same input. */
    public static final String VERSION = "tunetrail-audio-1";
    public static final int DEFAULT_SAMPLE_RATE = 22_050;
    /** Frame levels are floored here: Spotify's loudness scale ends at −60 dB. */
    static final float LEVEL_FLOOR_DB = -60f;
    static final double NOISE_FLATNESS = 0.25;

    private final int sampleRate;
    private final FeatureExtractor extractor;

    public AudioAnalyser() {
        this(DEFAULT_SAMPLE_RATE);
    }

    /** @param sampleRate the analysis rate every input is resampled to (8 kHz..48 kHz) */
    public AudioAnalyser(int sampleRate) {
        if (sampleRate < 8000 || sampleRate > 48000) {
            throw new IllegalArgumentException("the analysis sample rate must be 8000..48000 Hz, not " + sampleRate);
        }
        this.sampleRate = sampleRate;
        this.extractor = new FeatureExtractor(sampleRate);
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** Decodes and analyses {@code audio} (Ogg Vorbis, WAV, FLAC or MP3, recognised by magic bytes). */
    public AudioAnalysis analyse(byte[] audio, AudioLimits limits) throws AudioInputException {
        return analyse(AudioDecoder.decode(audio, limits, sampleRate));
    }

    /** Analyses audio already decoded at the analyser's rate. */
    public AudioAnalysis analyse(DecodedAudio audio) {
        if (audio.sampleRate() != sampleRate) {
            throw new IllegalArgumentException("decoded audio at " + audio.sampleRate() + " Hz given to a " + sampleRate + " Hz analyser");
        }
        float[] y = audio.mono();
        double duration = audio.seconds();
        SignalFeatures f = extractor.extract(y);
        float[] level = levels(f.rms());
        Rhythm rhythm = RhythmAnalyser.analyse(f.onset(), level, f.frameRate(), duration);
        Key key = KeyEstimator.estimate(meanChroma(f, level, 0, f.frames()));
        List<Segment> segments = Segmenter.segments(f, level, duration);
        List<Section> sections = sections(f, level, rhythm, duration);
        Descriptors d = Descriptors.of(f, level, audio.integratedLufs(), rhythm, key, segments.size(), duration);
        TrackSummary track = new TrackSummary(y.length, sampleRate, duration, audio.integratedLufs(),
                fadeIn(level, f.frameRate()), fadeOut(level, f.frameRate(), duration), rhythm.tempo(),
                rhythm.tempoConfidence(), rhythm.timeSignature(), rhythm.timeSignatureConfidence(), key.key(),
                key.keyConfidence(), key.mode(), key.modeConfidence());
        AnalysisDocument document = new AnalysisDocument(VERSION, track, intervals(rhythm.bars()),
                intervals(rhythm.beats()), intervals(rhythm.tatums()), sections, segments);
        AudioFeatures features = PerceptualModel.features(d, key, rhythm);
        return new AudioAnalysis(VERSION, features, document, SignalEmbedding.of(f, level, rhythm));
    }

    static float[] levels(float[] rms) {
        float[] db = new float[rms.length];
        for (int t = 0; t < rms.length; t++) {
            db[t] = (float) Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(Math.max(1e-10, rms[t])));
        }
        return db;
    }

    /**
     * Mean chroma of the frames within 30 dB of the loudest in [from, to) and tonal enough to have a pitch (spectral
     * flatness under {@value #NOISE_FLATNESS}; white noise sits near 0.56, music near 0.01): rests, silence and noise
     * carry no key.
     */
    static double[] meanChroma(SignalFeatures f, float[] level, int from, int to) {
        double loud = LEVEL_FLOOR_DB;
        for (int t = from; t < to; t++) {
            loud = Math.max(loud, level[t]);
        }
        double[] c = new double[12];
        if (loud <= LEVEL_FLOOR_DB) {
            return c;
        }
        for (int t = from; t < to; t++) {
            if (level[t] > loud - 30 && f.flatness()[t] < NOISE_FLATNESS) {
                for (int k = 0; k < 12; k++) {
                    c[k] += f.chroma()[t][k];
                }
            }
        }
        return c;
    }

    private List<Section> sections(SignalFeatures f, float[] level, Rhythm rhythm, double duration) {
        List<Boundary> bounds = SectionFinder.boundaries(f);
        List<Section> out = new ArrayList<>();
        double fr = f.frameRate();
        for (int i = 0; i < bounds.size(); i++) {
            double start = bounds.get(i).start();
            double end = i + 1 < bounds.size() ? bounds.get(i + 1).start() : duration;
            int from = (int) Math.floor(start * fr), to = Math.max(from + 1, Math.min(f.frames(), (int) Math.ceil(end * fr)));
            double power = 0;
            for (int t = from; t < to; t++) {
                power += Math.pow(10, level[t] / 10);
            }
            double loudness = 10 * Math.log10(Math.max(1e-6, power / (to - from)));
            List<Double> ibis = new ArrayList<>();
            for (Pulse b : rhythm.beats()) {
                if (b.start() >= start && b.start() < end && b.duration() > 0) {
                    ibis.add(b.duration());
                }
            }
            double tempo = rhythm.tempo();
            double tempoConfidence = rhythm.tempoConfidence() * Math.min(1, ibis.size() / 8.0);
            if (ibis.size() >= 4) {
                double[] sorted = ibis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double local = 60 / sorted[sorted.length / 2];
                // Keep the track's octave: a section's median interval may sit on the other side of a tempo octave.
                tempo = Math.abs(local - rhythm.tempo()) / rhythm.tempo() < 0.1 ? local : rhythm.tempo();
            }
            Key key = KeyEstimator.estimate(meanChroma(f, level, from, to));
            out.add(new Section(start, end - start, bounds.get(i).confidence(), loudness, tempo, tempoConfidence,
                    key.key(), key.keyConfidence(), key.mode(), key.modeConfidence(), rhythm.timeSignature(),
                    rhythm.timeSignatureConfidence()));
        }
        return out;
    }

    private static List<TimeInterval> intervals(List<Pulse> pulses) {
        return pulses.stream().map(p -> new TimeInterval(p.start(), p.duration(), p.confidence())).toList();
    }

    private static double loudLevel(float[] level) {
        float[] sorted = level.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? LEVEL_FLOOR_DB : sorted[(int) (0.95 * (sorted.length - 1))];
    }

    static double fadeIn(float[] level, double frameRate) {
        double loud = loudLevel(level);
        for (int t = 0; t < level.length; t++) {
            if (level[t] >= loud - 20 && level[t] > LEVEL_FLOOR_DB) {
                return t / frameRate;
            }
        }
        return 0;
    }

    static double fadeOut(float[] level, double frameRate, double duration) {
        double loud = loudLevel(level);
        for (int t = level.length - 1; t >= 0; t--) {
            if (level[t] >= loud - 20 && level[t] > LEVEL_FLOOR_DB) {
                return Math.min(duration, (t + 1) / frameRate);
            }
        }
        return duration;
    }
}
