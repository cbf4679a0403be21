package io.tunetrail.audio;

import static io.tunetrail.audio.TestAudio.requireTool;
import static io.tunetrail.audio.TestAudio.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.audio.decode.AudioContainer;
import io.tunetrail.audio.decode.AudioDecoder;
import io.tunetrail.audio.document.AudioFeatures;
import io.tunetrail.audio.document.TimeInterval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same audio as WAV, FLAC, Ogg Vorbis and MP3 (encoded by Debian's ffmpeg in set-up) gives the same analysis. */
class FormatsTest {
    @TempDir
    Path dir;

    private final AudioAnalyser analyser = new AudioAnalyser();

    private Path encode(Path wav, String name, String... codecArgs) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-y", "-loglevel", "error", "-i", wav.toString()));
        cmd.addAll(List.of(codecArgs));
        cmd.add(out.toString());
        run(cmd);
        return out;
    }

    /** Clicks over a chord, 44.1 kHz stereo: something with beats, a key and a timbre. */
    private Path music() throws IOException {
        int rate = 44_100;
        float[] y = TestAudio.tones(20, 0.12, rate, 220.0, 261.63, 329.63);
        float[] clicks = TestAudio.clicks(112, 20, 0.31, 4, rate);
        for (int i = 0; i < y.length; i++) {
            y[i] += clicks[i];
        }
        Path wav = dir.resolve("music.wav");
        Files.write(wav, TestAudio.wav16(rate, y, TestAudio.scaled(y, 0.8)));
        return wav;
    }

    @Test
    void mp3BeatsLandWithin25MsOfTheWavBeats() throws Exception {
        requireTool("ffmpeg");
        Path wav = music();
        List<Double> reference = beats(wav);
        for (String[] variant : new String[][] {{"-codec:a", "libmp3lame", "-b:a", "128k"},
                {"-codec:a", "libmp3lame", "-ar", "22050", "-b:a", "64k"}, {"-codec:a", "libmp3lame", "-ac", "1", "-ar", "48000", "-b:a", "96k"}}) {
            Path mp3 = encode(wav, "music-" + variant.length + variant[variant.length - 1] + ".mp3", variant);
            assertThat(AudioContainer.sniff(Files.readAllBytes(mp3))).contains(AudioContainer.MP3);
            List<Double> decoded = beats(mp3);
            assertThat(decoded).as(String.join(" ", variant)).hasSameSizeAs(reference);
            for (int i = 0; i < reference.size(); i++) {
                assertThat(decoded.get(i)).as("beat %d of %s", i, String.join(" ", variant))
                        .isCloseTo(reference.get(i), within(0.025));
            }
        }
    }

    @Test
    void mp3DecodingRemovesTheEncoderAndDecoderDelay() throws Exception {
        requireTool("ffmpeg");
        int rate = 44_100;
        float[] click = TestAudio.clicks(60, 3, 0.5, 0, rate);
        Path wav = dir.resolve("click.wav");
        Files.write(wav, TestAudio.wav16(rate, click));
        Path mp3 = encode(wav, "click.mp3", "-codec:a", "libmp3lame", "-b:a", "128k");
        float[] y = AudioDecoder.decodeNative(Files.readAllBytes(mp3), AudioLimits.DEFAULT).mono();
        int first = 0;
        while (Math.abs(y[first]) < 0.05) {
            first++;
        }
        // Uncorrected, the click would sit 1152 + 576 + 529 samples (51 ms) late.
        assertThat(first / (double) rate).isCloseTo(0.5, within(0.001));
    }

    @Test
    void wavFlacOggAndMp3GiveTheSameFeaturesWithinTolerance() throws Exception {
        requireTool("ffmpeg");
        Path wav = music();
        AudioAnalysis base = analyse(wav);
        for (Path encoded : List.of(encode(wav, "m.flac", "-codec:a", "flac"),
                encode(wav, "m.ogg", "-codec:a", "libvorbis", "-q:a", "5"),
                encode(wav, "m.mp3", "-codec:a", "libmp3lame", "-b:a", "160k"),
                encode(wav, "m24.wav", "-codec:a", "pcm_s24le"), encode(wav, "mf.wav", "-codec:a", "pcm_f32le"))) {
            AudioAnalysis other = analyse(encoded);
            AudioFeatures a = base.features(), b = other.features();
            String what = encoded.getFileName().toString();
            assertThat(b.tempo()).as(what).isCloseTo(a.tempo(), within(a.tempo() * 0.01));
            assertThat(b.key()).as(what).isEqualTo(a.key());
            assertThat(b.mode()).as(what).isEqualTo(a.mode());
            assertThat(b.timeSignature()).as(what).isEqualTo(a.timeSignature());
            assertThat(b.loudness()).as(what).isCloseTo(a.loudness(), within(0.5));
            assertThat(b.durationMs()).as(what).isCloseTo(a.durationMs(), within(60L));
            for (double[] pair : new double[][] {{a.energy(), b.energy()}, {a.danceability(), b.danceability()},
                    {a.valence(), b.valence()}, {a.acousticness(), b.acousticness()}, {a.speechiness(), b.speechiness()}}) {
                assertThat(pair[1]).as(what).isCloseTo(pair[0], within(0.05));
            }
            assertThat(other.embedding().similarity(base.embedding())).as(what).isGreaterThan(0.95);
        }
    }

    private AudioAnalysis analyse(Path file) throws IOException, AudioInputException {
        return analyser.analyse(Files.readAllBytes(file), AudioLimits.DEFAULT);
    }

    private List<Double> beats(Path file) throws IOException, AudioInputException {
        return analyse(file).document().beats().stream().map(TimeInterval::start).toList();
    }
}
