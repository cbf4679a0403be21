package io.tunetrail.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.audio.decode.DecodedAudio;
import io.tunetrail.audio.embedding.SignalEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signal embedding: fixed size, unit length, and excerpts of one recording are each other's nearest neighbours. */
class EmbeddingTest {
    private final AudioAnalyser analyser = new AudioAnalyser();

    private record Excerpt(String clip, int index, SignalEmbedding embedding) {}

    @Test
    void excerptsOfTheSameRecordingAreNearestNeighbours() throws Exception {
        List<Excerpt> excerpts = new ArrayList<>();
        LibrosaReferenceTest.clips().forEach(clip -> {
            try {
                DecodedAudio audio = LibrosaReferenceTest.decode(clip);
                float[] y = audio.mono();
                int length = (int) Math.min(15 * audio.sampleRate(), y.length / 2);
                int count = Math.min(4, y.length / length);
                for (int i = 0; i < count; i++) {
                    float[] part = Arrays.copyOfRange(y, i * length, (i + 1) * length);
                    excerpts.add(new Excerpt(clip, i, analyser.analyse(audio.withSamples(part, audio.sampleRate())).embedding()));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int hits = 0;
        for (Excerpt e : excerpts) {
            Excerpt nearest = null;
            double best = -2;
            for (Excerpt o : excerpts) {
                double s = e.embedding().similarity(o.embedding());
                if (o != e && s > best) {
                    best = s;
                    nearest = o;
                }
            }
            boolean hit = nearest.clip().equals(e.clip());
            hits += hit ? 1 : 0;
            System.out.printf("%s #%d -> %s #%d (%.3f)%s%n", e.clip(), e.index(), nearest.clip(), nearest.index(), best,
                    hit ? "" : "  MISS");
        }
        assertThat(excerpts).hasSizeGreaterThanOrEqualTo(14);
        assertThat(hits / (double) excerpts.size()).as("top-1 same-recording rate").isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void embeddingsHaveTheDocumentedDimensionAndUnitLengthEvenForSilence() throws Exception {
        for (float[] y : List.of(new float[TestAudio.RATE * 3], TestAudio.sine(440, 0.5, 3, TestAudio.RATE),
                TestAudio.noise(0.3, 3, TestAudio.RATE, 5))) {
            SignalEmbedding e = analyser.analyse(TestAudio.wav16(TestAudio.RATE, y), AudioLimits.DEFAULT).embedding();
            assertThat(e.dimension()).isEqualTo(SignalEmbedding.DIMENSION).isEqualTo(512);
            assertThat(e.model()).isEqualTo(SignalEmbedding.MODEL);
            assertThat(e.similarity(e)).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void aQuieterCopyEmbedsAlmostTheSame() throws Exception {
        float[] y = TestAudio.tones(10, 0.2, TestAudio.RATE, 261.63, 329.63, 392.0);
        float[] clicks = TestAudio.clicks(100, 10, 0.1, 4, TestAudio.RATE);
        for (int i = 0; i < y.length; i++) {
            y[i] += clicks[i];
        }
        SignalEmbedding loud = analyser.analyse(TestAudio.wav16(TestAudio.RATE, y), AudioLimits.DEFAULT).embedding();
        SignalEmbedding soft = analyser.analyse(TestAudio.wav16(TestAudio.RATE, TestAudio.scaled(y, 0.25)),
                AudioLimits.DEFAULT).embedding();
        SignalEmbedding noise = analyser.analyse(TestAudio.wav16(TestAudio.RATE, TestAudio.noise(0.3, 10, TestAudio.RATE, 2)),
                AudioLimits.DEFAULT).embedding();
        assertThat(loud.similarity(soft)).isGreaterThan(0.95).isGreaterThan(loud.similarity(noise) + 0.3);
    }
}
