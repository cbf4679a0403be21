package io.tunetrail.audio.perceptual;

import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.audio.rhythm.Rhythm;
import io.tunetrail.audio.tonal.KeyEstimator.Key;

/**
 * Spotify's perceptual audio features as documented functions of the {@link Descriptors}. Each is 0..1 and means what
 * Spotify's definition says; none is a trained model (there is no labelled audio here to train one on). Where a
 * constant was calibrated, it was against the shared clips of {@code ../shared/datasets/audio-clips} (five music
 * recordings, two LibriSpeech readings) and espeak-ng speech, which are also what the tests check, so the constants
 * are fitted to that small set and say so; the directions (louder → more energy, less acoustic; major and faster →
 * more valence) follow the correlations of Spotify's own catalog features that the platform's imported data shows.
 */
public final class PerceptualModel {
    private PerceptualModel() {}

    public static AudioFeatures features(Descriptors d, Key key, Rhythm rhythm) {
        double speechiness = speechiness(d);
        double energy = energy(d);
        return new AudioFeatures(danceability(d), energy, key.key(), d.loudness(), key.mode(), speechiness,
                acousticness(d), instrumentalness(d, speechiness), liveness(d), valence(d, key, energy), rhythm.tempo(),
                rhythm.timeSignature(), Math.round(d.duration() * 1000));
    }

    /**
     * "The presence of spoken words": above 0.66 almost entirely speech, below 0.33 music. Speech moves its pitch
     * continuously, so the strongest chroma class changes from frame to frame (music holds notes: in the shared music
     * clips 77–84% of voiced frames keep the previous frame's class, in speech 43–58%); its chroma is less peaked than
     * a played note's; and it has no steady pulse (low tempo confidence). These three, in units of the spread seen
     * between the two groups, go through a logistic. Speech also comes and goes syllable by syllable, so steady sounds
     * (a noise floor, a drone: under 4 dB of dynamic range) are not speech however unpitched they are.
     */
    static double speechiness(Descriptors d) {
        if (d.loudness() <= -59.9) {
            return 0;
        }
        double glide = (0.68 - d.pitchStability()) / 0.08;
        double diffuse = (0.66 - d.chromaPeakiness()) / 0.05;
        double unpulsed = (0.30 - d.tempoConfidence()) / 0.10;
        double z = glide + 0.5 * diffuse + 0.5 * unpulsed - 0.3;
        return sigmoid(z) * ramp(d.dynamicRange(), 4, 12);
    }

    /**
     * "A perceptual measure of intensity and activity": loud (integrated loudness from −35 to −5 LUFS), busy (onsets
     * per second up to 8), noisy (spectral flatness and energy above 4 kHz, as distortion and cymbals add) and
     * compressed (little dynamic range), gated to 0 toward silence.
     */
    static double energy(Descriptors d) {
        double loud = ramp(d.loudness(), -35, -5);
        double busy = ramp(d.onsetRate(), 0, 8);
        double noisy = clamp(4 * d.flatness() + 10 * d.highBandShare());
        double compressed = 1 - ramp(d.dynamicRange(), 4, 24);
        double e = 0.45 * loud + 0.2 * busy + 0.2 * noisy + 0.15 * compressed;
        return e * ramp(d.loudness(), -60, -40);
    }

    /**
     * "How suitable a track is for dancing based on tempo, rhythm stability, beat strength and regularity": a tempo
     * near 120 BPM (log-normal, half an octave), a clear pulse (tempo confidence, saturating at 0.6), evenly spaced
     * beats and bass weight (share of power under 250 Hz), where kick drums and bass lines carry the groove.
     */
    static double danceability(Descriptors d) {
        double octaves = Math.log(Math.max(1, d.tempo()) / 120) / Math.log(2);
        double tempo = Math.exp(-0.5 * Math.pow(octaves / 0.5, 2));
        double pulse = ramp(d.tempoConfidence(), 0, 0.6);
        double regular = ramp(d.beatRegularity(), 0.85, 1.0);
        double bass = ramp(d.lowBandShare(), 0, 0.66);
        return 0.25 * tempo + 0.4 * pulse + 0.15 * regular + 0.2 * bass;
    }

    /**
     * "Musical positiveness": major mode (weighted by how sure key and mode are; no key is neutral), a faster tempo,
     * a brighter timbre (spectral centroid 800–2,800 Hz) and energy each push toward happy and cheerful.
     */
    static double valence(Descriptors d, Key key, double energy) {
        double sure = key.key() < 0 ? 0 : key.keyConfidence() * key.modeConfidence();
        double major = key.mode() == 1 ? 0.5 + 0.5 * sure : 0.5 - 0.5 * sure;
        double fast = ramp(d.tempo(), 70, 170);
        double bright = ramp(d.centroid(), 800, 2800);
        return 0.35 * major + 0.25 * fast + 0.2 * bright + 0.2 * energy;
    }

    /**
     * "Whether the track is acoustic": unamplified, unmastered recordings keep their dynamic range and sit lower in
     * loudness; electronic production adds heavy sub-bass and broadband noise-like textures.
     */
    static double acousticness(Descriptors d) {
        double dynamic = ramp(d.dynamicRange(), 6, 20);
        double quiet = 1 - ramp(d.loudness(), -25, -8);
        double lightBass = 1 - ramp(d.lowBandShare(), 0, 0.6);
        double clean = 1 - ramp(d.flatness(), 0, 0.05);
        return 0.35 * dynamic + 0.3 * quiet + 0.2 * lightBass + 0.15 * clean;
    }

    /**
     * "Whether a track contains no vocals": spoken voice (the speechiness evidence) rules it out; otherwise sustained,
     * stable pitches point to instruments. Sung voice holds notes too, so a song with singing can score high: this is
     * the weakest of the seven, and says so here rather than in a surprised bug report.
     */
    static double instrumentalness(Descriptors d, double speechiness) {
        if (d.loudness() <= -59.9) {
            return 0;
        }
        double notSpoken = 1 - ramp(speechiness, 0.1, 0.7);
        double sustained = ramp(d.pitchStability(), 0.6, 0.85);
        return notSpoken * (0.5 + 0.5 * sustained);
    }

    /**
     * "The presence of an audience": crowd noise and hall ambience are broadband, so they raise spectral flatness
     * and the energy above 4 kHz above what a studio mix of tonal instruments shows (flatness about 0.01, under 0.5% of
     * power above 4 kHz in the shared music clips). Studio recordings land near 0.1, as most of Spotify's catalog does.
     */
    static double liveness(Descriptors d) {
        if (d.loudness() <= -59.9) {
            return 0;
        }
        return clamp(0.08 + 1.5 * Math.max(0, d.flatness() - 0.02) + 2.0 * d.highBandShare());
    }

    static double ramp(double x, double from, double to) {
        return clamp((x - from) / (to - from));
    }

    static double clamp(double x) {
        return Double.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
