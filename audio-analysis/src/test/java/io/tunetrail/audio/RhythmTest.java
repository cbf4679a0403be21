package io.tunetrail.audio;

import static io.tunetrail.audio.TestAudio.RATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.audio.document.AnalysisDocument;
import io.tunetrail.audio.document.TimeInterval;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tempo, beats and time signature on click tracks whose answers are known. */
class RhythmTest {
    private final AudioAnalyser analyser = new AudioAnalyser();

    @ParameterizedTest
    @ValueSource(ints = {60, 72, 90, 100, 120, 133, 150, 165, 180})
    void clickTrackTempoWithinOnePercentAndBeatsOnTheClicks(int bpm) throws AudioInputException {
        double seconds = 30, offset = 0.37;
        AnalysisDocument doc = analyser.analyse(TestAudio.wav16(RATE, TestAudio.clicks(bpm, seconds, offset, 0, RATE)),
                AudioLimits.DEFAULT).document();

        assertThat(doc.track().tempo()).isCloseTo(bpm, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(doc.track().tempoConfidence()).isGreaterThan(0.5);
        List<Double> beats = doc.beats().stream().map(TimeInterval::start).toList();
        assertThat(TestAudio.fMeasure(TestAudio.clickTimes(bpm, seconds, offset), beats, 0.070)).isGreaterThanOrEqualTo(0.9);
    }

    @ParameterizedTest
    @CsvSource({"3, 100", "3, 140", "4, 96", "4, 128"})
    void accentedClickPatternsGiveTheirTimeSignature(int beatsPerBar, int bpm) throws AudioInputException {
        double offset = 0.2;
        AnalysisDocument doc = analyser.analyse(
                TestAudio.wav16(RATE, TestAudio.clicks(bpm, 30, offset, beatsPerBar, RATE)), AudioLimits.DEFAULT).document();

        assertThat(doc.track().timeSignature()).isEqualTo(beatsPerBar);
        assertThat(doc.track().timeSignatureConfidence()).isGreaterThan(0.3);
        // Bars start on the accented clicks: offset + k * beatsPerBar beats.
        double barSeconds = beatsPerBar * 60.0 / bpm;
        for (TimeInterval bar : doc.bars()) {
            double k = (bar.start() - offset) / barSeconds;
            assertThat(Math.abs(k - Math.round(k)) * barSeconds).as("bar at %.3f s", bar.start()).isLessThan(0.07);
        }
        assertThat(doc.bars()).hasSizeGreaterThan(5);
        assertThat(doc.tatums()).hasSize(2 * doc.beats().size());
    }
}
