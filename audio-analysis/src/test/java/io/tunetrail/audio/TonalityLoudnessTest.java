package io.tunetrail.audio;

import static io.tunetrail.audio.TestAudio.RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.audio.document.TrackSummary;
import org.junit.jupiter.api.Test;

/** Key and mode on tones and triads, and BS.1770 loudness on known levels. */
class TonalityLoudnessTest {
    private static final double C4 = 261.63, E4 = 329.63, G4 = 392.00, A3 = 220.00, A4 = 440.0;
    private final AudioAnalyser analyser = new AudioAnalyser();

    private TrackSummary track(float[] y) throws AudioInputException {
        return analyser.analyse(TestAudio.wav16(RATE, y), AudioLimits.DEFAULT).document().track();
    }

    @Test
    void a4SineIsInTheKeyOfA() throws AudioInputException {
        assertThat(track(TestAudio.sine(A4, 0.5, 10, RATE)).key()).isEqualTo(9);
    }

    @Test
    void cMajorTriadIsCMajor() throws AudioInputException {
        TrackSummary t = track(TestAudio.tones(10, 0.2, RATE, C4, E4, G4));
        assertThat(t.key()).isEqualTo(0);
        assertThat(t.mode()).isEqualTo(1);
        assertThat(t.keyConfidence()).isGreaterThan(0.3);
    }

    @Test
    void aMinorTriadIsAMinor() throws AudioInputException {
        TrackSummary t = track(TestAudio.tones(10, 0.2, RATE, A3, 261.63, E4));
        assertThat(t.key()).isEqualTo(9);
        assertThat(t.mode()).isEqualTo(0);
    }

    @Test
    void silenceHasNoKeyAndTheLoudnessFloor() throws AudioInputException {
        TrackSummary t = track(new float[RATE * 5]);
        assertThat(t.key()).isEqualTo(-1);
        assertThat(t.keyConfidence()).isZero();
        assertThat(t.loudness()).isEqualTo(-60.0);
    }

    @Test
    void aSineAtMinus20DbfsReadsMinus23Lufs() throws AudioInputException {
        // BS.1770: a 1 kHz sine of peak amplitude A in one channel reads 20 log10(A) - 3.01 LUFS.
        assertThat(track(TestAudio.sine(997, 0.1, 10, RATE)).loudness())
                .isCloseTo(-23.01, within(0.3));
    }

    @Test
    void sixDecibelsLessGainReadsSixDecibelsQuieter() throws AudioInputException {
        float[] music = TestAudio.tones(10, 0.15, RATE, C4, E4, G4);
        float[] clicks = TestAudio.clicks(120, 10, 0.1, 4, RATE);
        for (int i = 0; i < music.length; i++) {
            music[i] += clicks[i];
        }
        double full = track(music).loudness();
        double quieter = track(TestAudio.scaled(music, Math.pow(10, -6 / 20.0))).loudness();
        assertThat(quieter - full).isCloseTo(-6.0, within(0.5));
    }

    @Test
    void stereoLoudnessSumsTheChannelsAsBs1770Does() throws AudioInputException {
        float[] s = TestAudio.sine(997, 0.1, 10, RATE);
        double mono = track(s).loudness();
        double stereo = analyser.analyse(TestAudio.wav16(RATE, s, s), AudioLimits.DEFAULT).document().track().loudness();
        assertThat(stereo - mono).isCloseTo(3.01, within(0.1));
    }
}
