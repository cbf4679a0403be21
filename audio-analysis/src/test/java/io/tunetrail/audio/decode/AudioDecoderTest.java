package io.tunetrail.audio.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.audio.TestAudio;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WAV variants, downmixing, resampling and the typed refusals. */
class AudioDecoderTest {
    @ParameterizedTest
    @CsvSource({"1, 16", "1, 24", "1, 32", "3, 32"})
    void wavVariantsDecodeToTheSameSamples(int format, int bits) throws AudioInputException {
        float[] y = TestAudio.sine(440, 0.5, 1, 44_100);
        DecodedAudio d = AudioDecoder.decodeNative(TestAudio.wav(44_100, format, bits, y), AudioLimits.DEFAULT);
        assertThat(d.sampleRate()).isEqualTo(44_100);
        assertThat(d.container()).isEqualTo(AudioContainer.WAV);
        assertThat(d.mono()).hasSize(y.length);
        for (int i = 0; i < y.length; i += 97) {
            assertThat(d.mono()[i]).isCloseTo(y[i], within(1e-4f));
        }
    }

    @Test
    void stereoIsDownmixedToTheChannelMean() throws AudioInputException {
        float[] left = TestAudio.sine(440, 0.4, 0.5, 22_050);
        float[] right = new float[left.length];
        DecodedAudio d = AudioDecoder.decodeNative(TestAudio.wav16(22_050, left, right), AudioLimits.DEFAULT);
        assertThat(d.sourceChannels()).isEqualTo(2);
        assertThat(d.mono()[100]).isCloseTo(left[100] / 2, within(1e-4f));
    }

    @Test
    void resamplingKeepsThePassbandAndRemovesWhatWouldAlias() throws AudioInputException {
        // 1 kHz stays; 15 kHz lies above the new Nyquist frequency (11,025 Hz) and would fold to 7,050 Hz.
        DecodedAudio kept = AudioDecoder.decode(TestAudio.wav16(44_100, TestAudio.sine(1000, 0.5, 1, 44_100)),
                AudioLimits.DEFAULT, 22_050);
        DecodedAudio removed = AudioDecoder.decode(TestAudio.wav16(44_100, TestAudio.sine(15_000, 0.5, 1, 44_100)),
                AudioLimits.DEFAULT, 22_050);
        assertThat(kept.sampleRate()).isEqualTo(22_050);
        assertThat(kept.mono()).hasSize(22_050);
        assertThat(rms(kept.mono())).isCloseTo(0.5 / Math.sqrt(2), within(0.005));
        // Away from the ends, where the tone's abrupt start and stop are broadband clicks that rightly pass.
        float[] middle = Arrays.copyOfRange(removed.mono(), 2000, removed.mono().length - 2000);
        assertThat(20 * Math.log10(rms(middle) / (0.5 / Math.sqrt(2)))).isLessThan(-70);
    }

    @Test
    void resamplingBetweenCoprimeRatesKeepsLevelAndLength() {
        float[] y = TestAudio.sine(440, 0.5, 2, 48_000);
        float[] z = Resampler.resample(y, 48_000, 22_050);
        assertThat(z).hasSize(2 * 22_050);
        assertThat(rms(Arrays.copyOfRange(z, 1000, z.length - 1000))).isCloseTo(0.5 / Math.sqrt(2), within(0.003));
    }

    @Test
    void emptyAudioIsRefusedAsEmpty() {
        assertRefused(() -> AudioDecoder.decodeNative(new byte[0], AudioLimits.DEFAULT), Reason.EMPTY);
    }

    @Test
    void textIsUnsupportedMedia() {
        byte[] text = "<html>not audio at all</html>".getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> AudioDecoder.decodeNative(text, AudioLimits.DEFAULT), Reason.UNSUPPORTED_MEDIA);
    }

    @Test
    void opusInOggIsUnsupportedMediaNotUndecodable() {
        byte[] page = oggPageOfNoise("OpusHead");
        assertRefused(() -> AudioDecoder.decodeNative(page, AudioLimits.DEFAULT), Reason.UNSUPPORTED_MEDIA);
    }

    @Test
    void aTruncatedWavIsUndecodableAndSaysWhy() {
        byte[] wav = TestAudio.wav16(22_050, TestAudio.sine(440, 0.5, 1, 22_050));
        byte[] cut = Arrays.copyOf(wav, wav.length / 2);
        assertThatThrownBy(() -> AudioDecoder.decodeNative(cut, AudioLimits.DEFAULT))
                .isInstanceOfSatisfying(AudioInputException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE))
                .hasMessageContaining("truncated");
    }

    @Test
    void garbageBehindMagicBytesIsUndecodableWithTheDecodersMessage() {
        for (String magic : new String[] {"fLaC", "ID3"}) {
            byte[] junk = new byte[4096];
            new java.util.Random(7).nextBytes(junk);
            System.arraycopy(magic.getBytes(StandardCharsets.US_ASCII), 0, junk, 0, magic.length());
            if (magic.equals("ID3")) {
                Arrays.fill(junk, 3, 10, (byte) 0);
            }
            assertThatThrownBy(() -> AudioDecoder.decodeNative(junk, AudioLimits.DEFAULT)).as(magic)
                    .isInstanceOfSatisfying(AudioInputException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE))
                    .hasMessageMatching("(FLAC|MP3|.*audio/(flac|mpeg)).*");
        }
    }

    @Test
    void aCorruptOggVorbisIsUndecodable() {
        byte[] ogg = oggPageOfNoise("\u0001vorbis");
        assertRefused(() -> AudioDecoder.decodeNative(ogg, AudioLimits.DEFAULT), Reason.UNDECODABLE);
    }

    /** An Ogg page header with one segment whose packet starts with {@code codecId}, then random bytes. */
    private static byte[] oggPageOfNoise(String codecId) {
        byte[] page = new byte[4096];
        new java.util.Random(3).nextBytes(page);
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, page, 0, 4);
        page[26] = 1;
        page[27] = (byte) 255;
        byte[] id = codecId.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(id, 0, page, 28, id.length);
        return page;
    }

    @Test
    void limitsOnBytesAndSecondsAreEnforced() {
        byte[] wav = TestAudio.wav16(22_050, TestAudio.sine(440, 0.5, 3, 22_050));
        assertRefused(() -> AudioDecoder.decodeNative(wav, new AudioLimits(1000, 600)), Reason.TOO_LARGE);
        assertRefused(() -> AudioDecoder.decodeNative(wav, new AudioLimits(1 << 20, 2.5)), Reason.TOO_LONG);
    }

    @Test
    void magicBytesNameTheContainer() {
        assertThat(AudioContainer.sniff("fLaC....".getBytes(StandardCharsets.US_ASCII))).contains(AudioContainer.FLAC);
        assertThat(AudioContainer.sniff(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64})).contains(AudioContainer.MP3);
        assertThat(AudioContainer.sniff(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})).isEmpty();
        assertThat(AudioContainer.sniff(TestAudio.wav16(8000, new float[8]))).contains(AudioContainer.WAV);
    }

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AudioInputException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static double rms(float[] y) {
        double s = 0;
        for (float v : y) {
            s += v * v;
        }
        return Math.sqrt(s / y.length);
    }
}
