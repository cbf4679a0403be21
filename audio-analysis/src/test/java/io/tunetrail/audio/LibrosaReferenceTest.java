package io.tunetrail.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.audio.decode.AudioDecoder;
import io.tunetrail.audio.decode.DecodedAudio;
import io.tunetrail.audio.document.TimeInterval;
import io.tunetrail.audio.signal.FeatureExtractor;
import io.tunetrail.audio.signal.SignalFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * librosa 0.11 as the oracle: the fixtures under {@code src/test/resources/librosa/} were written by
 * {@code src/test/python/librosa_reference.py} from the shared clips; the clips themselves are read from
 * {@code ../shared/datasets/audio-clips} (the test skips without them).
 */
class LibrosaReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> clips() {
        return Stream.of("brahms-hungarian-dance-5", "hobbs-lets-go-fishin", "librispeech-3436-172162-0000",
                "librispeech-5703-47212-0000", "macleod-sugar-plum-fairy", "macleod-vibe-ace", "sorohanro-solo-trumpet-06");
    }

    /** The music clips, whose tempo and beats have a right answer (speech has neither). */
    static Stream<String> musicClips() {
        return clips().filter(c -> !c.startsWith("librispeech"));
    }

    @ParameterizedTest
    @MethodSource("clips")
    void frameFeaturesMatchLibrosa(String clip) throws Exception {
        JsonNode ref = reference(clip);
        SignalFeatures f = new FeatureExtractor(22_050).extract(decode(clip).mono());
        int stride = ref.get("frame_stride").asInt();

        double mfcc = meanFrameCorrelation(ref.get("mfcc"), f.mfcc(), stride);
        double chroma = meanFrameCorrelation(ref.get("chroma"), f.chroma(), stride);
        JsonNode onset = ref.get("onset_strength").get("values");
        double[] theirs = new double[onset.size()], ours = new double[onset.size()];
        for (int t = 0; t < onset.size(); t++) {
            theirs[t] = onset.get(t).asDouble();
            ours[t] = f.onset()[t];
        }
        System.out.printf("%s: MFCC frame r=%.4f, chroma frame r=%.4f, onset r=%.4f%n", clip, mfcc, chroma,
                pearson(theirs, ours));
        assertThat(mfcc).as("MFCC frame correlation").isGreaterThan(0.99);
        assertThat(chroma).as("chroma frame correlation").isGreaterThan(0.95);
        assertThat(pearson(theirs, ours)).as("onset envelope correlation").isGreaterThan(0.99);
    }

    @ParameterizedTest
    @MethodSource("musicClips")
    void tempoWithinFourPercentAndBeatsAgreeWithLibrosa(String clip) throws Exception {
        JsonNode ref = reference(clip);
        AudioAnalysis a = new AudioAnalyser().analyse(decode(clip));
        List<Double> theirBeats = new ArrayList<>();
        ref.get("beat_times").forEach(b -> theirBeats.add(b.asDouble()));
        List<Double> ourBeats = a.document().beats().stream().map(TimeInterval::start).toList();
        double f = TestAudio.fMeasure(theirBeats, ourBeats, 0.070);
        System.out.printf("%s: tempo %.2f vs librosa %.2f, beat F %.3f%n", clip, a.features().tempo(),
                ref.get("tempo_bpm").asDouble(), f);
        assertThat(a.features().tempo()).isCloseTo(ref.get("tempo_bpm").asDouble(),
                org.assertj.core.data.Percentage.withPercentage(4));
        assertThat(f).as("beat F-measure against librosa's beats at ±70 ms").isGreaterThan(0.8);
    }

    static JsonNode reference(String clip) throws IOException {
        try (InputStream in = LibrosaReferenceTest.class.getResourceAsStream("/librosa/" + clip + ".json")) {
            return JSON.readTree(in);
        }
    }

    static DecodedAudio decode(String clip) throws IOException, AudioInputException {
        Path file = TestAudio.sharedClips().resolve(clip + ".ogg");
        return AudioDecoder.decode(Files.readAllBytes(file), AudioLimits.DEFAULT, 22_050);
    }

    private static double meanFrameCorrelation(JsonNode frames, float[][] ours, int stride) {
        double sum = 0;
        int n = 0;
        for (int j = 0; j < frames.size(); j++) {
            JsonNode theirs = frames.get(j);
            double[] a = new double[theirs.size()], b = new double[theirs.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = theirs.get(k).asDouble();
                b[k] = ours[j * stride][k];
            }
            if (variance(a) > 1e-9 && variance(b) > 1e-9) {
                sum += pearson(a, b);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double variance(double[] x) {
        double m = 0, s = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / x.length;
    }

    static double pearson(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
