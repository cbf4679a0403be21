package io.tunetrail.audio;

import static io.tunetrail.audio.TestAudio.RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tunetrail.audio.AudioInputException.Reason;
import io.tunetrail.audio.document.AnalysisJson;
import io.tunetrail.audio.document.AudioFeatures;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Degenerate and extreme inputs all give defined values in range, JSON without NaN or Infinity (a strict parser reads
 * it), and confidences that admit doubt.
 */
class EdgeCasesTest {
    private static final JsonMapper STRICT = JsonMapper.builder().disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private final AudioAnalyser analyser = new AudioAnalyser();

    private AudioAnalysis analyse(float[] y) throws Exception {
        AudioAnalysis a = analyser.analyse(TestAudio.wav16(RATE, y), AudioLimits.DEFAULT);
        assertWellFormed(a);
        return a;
    }

    @Test
    void silence() throws Exception {
        AudioAnalysis a = analyse(new float[RATE * 10]);
        AudioFeatures f = a.features();
        assertThat(f.loudness()).isEqualTo(-60.0);
        assertThat(f.key()).isEqualTo(-1);
        assertThat(f.energy()).isZero();
        assertThat(f.speechiness()).isZero();
        assertThat(a.document().track().tempoConfidence()).isZero();
        assertThat(a.document().beats()).isEmpty();
        assertThat(a.document().segments()).hasSize(1);
        assertThat(a.document().sections()).hasSize(1);
    }

    @Test
    void aSingleToneHasAKeyButNoPulse() throws Exception {
        AudioAnalysis a = analyse(TestAudio.sine(440, 0.3, 20, RATE));
        assertThat(a.features().key()).isEqualTo(9);
        assertThat(a.document().track().tempoConfidence()).isLessThan(0.2);
        assertThat(a.features().speechiness()).isLessThan(0.33);
        assertThat(a.document().segments()).hasSizeLessThan(5);
    }

    @Test
    void whiteNoiseHasNoKeyNoPulseAndIsNotSpeech() throws Exception {
        AudioAnalysis a = analyse(TestAudio.noise(0.3, 20, RATE, 11));
        assertThat(a.features().key()).isEqualTo(-1);
        assertThat(a.document().track().tempoConfidence()).isLessThan(0.2);
        assertThat(a.features().speechiness()).isLessThan(0.33);
        assertThat(a.features().energy()).isGreaterThan(0.5);
    }

    @Test
    void clippingAndDcOffsetDoNotChangeTheAnswers() throws Exception {
        float[] clicks = TestAudio.clicks(120, 20, 0.25, 4, RATE);
        AudioAnalysis clean = analyse(clicks);
        float[] clipped = TestAudio.scaled(clicks, 4); // the WAV writer clips at full scale
        float[] offset = clicks.clone();
        for (int i = 0; i < offset.length; i++) {
            offset[i] += 0.3f;
        }
        for (AudioAnalysis a : new AudioAnalysis[] {analyse(clipped), analyse(offset)}) {
            assertThat(a.features().tempo()).isCloseTo(clean.features().tempo(), org.assertj.core.data.Percentage.withPercentage(1));
            assertThat(a.document().beats()).hasSizeBetween(clean.document().beats().size() - 1, clean.document().beats().size() + 1);
        }
    }

    @Test
    void aOneSecondClipAndATinyOneAreAnalysed() throws Exception {
        AudioAnalysis one = analyse(TestAudio.clicks(120, 1, 0.1, 0, RATE));
        assertThat(one.features().durationMs()).isEqualTo(1000);
        assertThat(one.document().track().tempoConfidence()).isLessThan(0.5);
        AudioAnalysis tiny = analyse(TestAudio.sine(440, 0.3, 0.01, RATE));
        assertThat(tiny.document().track().duration()).isGreaterThan(0);
    }

    @Test
    void tenMinutesAreAnalysedAndOneSecondMoreIsRefused() throws Exception {
        int rate = 8000;
        float[] long_ = TestAudio.clicks(100, 600, 0.5, 4, rate);
        AudioAnalysis a = analyser.analyse(TestAudio.wav16(rate, long_), AudioLimits.DEFAULT);
        assertWellFormed(a);
        assertThat(a.features().durationMs()).isEqualTo(600_000);
        assertThat(a.features().tempo()).isCloseTo(100, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(a.document().sections()).isNotEmpty();
        float[] tooLong = TestAudio.clicks(100, 601, 0.5, 4, rate);
        assertThatThrownBy(() -> analyser.analyse(TestAudio.wav16(rate, tooLong), AudioLimits.DEFAULT))
                .isInstanceOfSatisfying(AudioInputException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG));
    }

    /** Strict JSON, every 0..1 feature in range, confidences in 0..1, and timelines inside the track. */
    static void assertWellFormed(AudioAnalysis a) throws Exception {
        String json = AnalysisJson.write(Map.of("features", a.features(), "document", a.document()));
        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        JsonNode root = STRICT.readTree(json);
        JsonNode f = root.get("features");
        for (String key : new String[] {"danceability", "energy", "speechiness", "acousticness", "instrumentalness",
                "liveness", "valence"}) {
            assertThat(f.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
        }
        assertThat(f.get("time_signature").asInt()).isBetween(3, 7);
        assertThat(f.get("key").asInt()).isBetween(-1, 11);
        assertThat(f.get("loudness").asDouble()).isBetween(-60.0, 3.0);
        assertConfidences(root);
        double duration = root.get("document").get("track").get("duration").asDouble();
        for (String list : new String[] {"bars", "beats", "tatums", "sections", "segments"}) {
            for (JsonNode item : root.get("document").get(list)) {
                assertThat(item.get("start").asDouble()).as(list).isBetween(0.0, duration);
                assertThat(item.get("start").asDouble() + item.get("duration").asDouble()).as(list).isLessThanOrEqualTo(duration + 0.05);
            }
        }
        for (JsonNode segment : root.get("document").get("segments")) {
            assertThat(segment.get("pitches")).hasSize(12);
            assertThat(segment.get("timbre")).hasSize(12);
        }
    }

    private static void assertConfidences(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().endsWith("confidence")) {
                    assertThat(e.getValue().asDouble()).as(e.getKey()).isBetween(0.0, 1.0);
                }
                assertConfidences(e.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(EdgeCasesTest::assertConfidences);
        }
    }
}
