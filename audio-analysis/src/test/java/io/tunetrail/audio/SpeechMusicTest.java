package io.tunetrail.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.audio.document.AudioFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spotify's speechiness bands: above 0.66 for spoken words, below 0.33 for music; and what follows from them. */
class SpeechMusicTest {
    @TempDir
    Path dir;

    private final AudioAnalyser analyser = new AudioAnalyser();

    private AudioFeatures features(Path file) throws Exception {
        AudioFeatures f = analyser.analyse(Files.readAllBytes(file), AudioLimits.DEFAULT).features();
        System.out.println(file.getFileName() + ": " + f);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"librispeech-3436-172162-0000", "librispeech-5703-47212-0000"})
    void librispeechReadingsAreSpeech(String clip) throws Exception {
        AudioFeatures f = features(TestAudio.sharedClips().resolve(clip + ".ogg"));
        assertThat(f.speechiness()).isGreaterThanOrEqualTo(0.66);
        assertThat(f.instrumentalness()).isLessThan(0.2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"brahms-hungarian-dance-5", "hobbs-lets-go-fishin", "macleod-sugar-plum-fairy",
            "macleod-vibe-ace", "sorohanro-solo-trumpet-06"})
    void musicClipsAreMusic(String clip) throws Exception {
        AudioFeatures f = features(TestAudio.sharedClips().resolve(clip + ".ogg"));
        assertThat(f.speechiness()).isLessThan(0.33);
    }

    @Test
    void espeakSpeechIsSpeech() throws Exception {
        TestAudio.requireTool("espeak-ng");
        for (String[] voice : List.of(new String[] {"en", "160"}, new String[] {"en-us", "130"}, new String[] {"de", "150"})) {
            Path wav = dir.resolve(voice[0] + ".wav");
            TestAudio.run(List.of("espeak-ng", "-v", voice[0], "-s", voice[1], "-w", wav.toString(),
                    "Audio analysis computes features from the recording itself. Tempo, key and loudness come from "
                            + "the signal, and a spoken sentence like this one should never be mistaken for music."));
            assertThat(features(wav).speechiness()).as(voice[0]).isGreaterThanOrEqualTo(0.66);
        }
    }

    @Test
    void aLouderDenserRecordingHasMoreEnergyAndIsLessAcoustic() throws Exception {
        // A soft sustained chord against the same chord loud, with a drum-like noise burst on every beat.
        int rate = TestAudio.RATE;
        float[] soft = TestAudio.tones(20, 0.03, rate, 220.0, 277.18, 329.63);
        float[] loud = TestAudio.tones(20, 0.25, rate, 220.0, 277.18, 329.63);
        float[] noise = TestAudio.noise(0.5, 20, rate, 1);
        for (int i = 0; i < loud.length; i++) {
            double sinceBeat = (i % (rate / 2)) / (double) rate;
            loud[i] += (float) (noise[i] * Math.exp(-sinceBeat / 0.05));
        }
        AudioFeatures quiet = analyser.analyse(TestAudio.wav16(rate, soft), AudioLimits.DEFAULT).features();
        AudioFeatures busy = analyser.analyse(TestAudio.wav16(rate, loud), AudioLimits.DEFAULT).features();
        assertThat(busy.energy()).isGreaterThan(quiet.energy() + 0.2);
        assertThat(busy.acousticness()).isLessThan(quiet.acousticness());
        assertThat(busy.danceability()).isGreaterThan(quiet.danceability());
    }
}
