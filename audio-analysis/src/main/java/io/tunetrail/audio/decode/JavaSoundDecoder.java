package io.tunetrail.audio.decode;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.UnsupportedAudioFileException;
import javazoom.spi.mpeg.sampled.convert.MpegFormatConversionProvider;
import javazoom.spi.mpeg.sampled.file.MpegAudioFileReader;
import javazoom.spi.vorbis.sampled.convert.VorbisFormatConversionProvider;
import javazoom.spi.vorbis.sampled.file.VorbisAudioFileReader;

/**
 * Ogg Vorbis (vorbisspi + jorbis) and MP3 (mp3spi + JLayer) through their Java Sound providers, called directly rather
 * than through {@code AudioSystem}'s service lookup so that no other provider on the class path can claim the bytes.
 */
final class JavaSoundDecoder {
    private static final int CHUNK_BYTES = 1 << 15;
    private static final int MAX_IDLE_READS = 10_000;

    private JavaSoundDecoder() {}

    static void decodeVorbis(byte[] bytes, PcmCollector out) throws AudioInputException {
        try (AudioInputStream encoded = new VorbisAudioFileReader().getAudioInputStream(new ByteArrayInputStream(bytes))) {
            AudioFormat target = pcm16(encoded.getFormat());
            try (AudioInputStream pcm = new VorbisFormatConversionProvider().getAudioInputStream(target, encoded)) {
                pump(pcm, target, out, 0);
            }
        } catch (UnsupportedAudioFileException | IOException | RuntimeException e) {
            throw new AudioInputException(Reason.UNDECODABLE, "Ogg Vorbis: " + message(e), e);
        }
    }

    static void decodeMp3(byte[] bytes, PcmCollector out) throws AudioInputException {
        long delay = Mp3Delay.framesToSkip(bytes);
        try {
            MpegAudioFileReader reader = new MpegAudioFileReader();
            AudioFileFormat fileFormat = reader.getAudioFileFormat(new ByteArrayInputStream(bytes));
            try (AudioInputStream encoded = reader.getAudioInputStream(new ByteArrayInputStream(bytes))) {
                AudioFormat target = pcm16(fileFormat.getFormat());
                try (AudioInputStream pcm = new MpegFormatConversionProvider().getAudioInputStream(target, encoded)) {
                    pump(pcm, target, out, delay);
                }
            }
        } catch (UnsupportedAudioFileException | IOException | RuntimeException e) {
            throw new AudioInputException(Reason.UNDECODABLE, "MP3: " + message(e), e);
        }
    }

    private static AudioFormat pcm16(AudioFormat source) {
        return new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, source.getSampleRate(), 16, source.getChannels(),
                source.getChannels() * 2, source.getSampleRate(), false);
    }

    private static void pump(InputStream pcm, AudioFormat format, PcmCollector out, long skipFrames)
            throws IOException, AudioInputException {
        int channels = format.getChannels();
        out.start(channels, Math.round(format.getSampleRate()));
        out.skipFrames(skipFrames);
        int frameBytes = 2 * channels;
        byte[] buf = new byte[CHUNK_BYTES - CHUNK_BYTES % frameBytes];
        float[] samples = new float[buf.length / 2];
        int fill = 0;
        int n;
        int idle = 0;
        // Tritonus's decoded streams answer 0 while their buffer refills; only -1 is the end.
        while ((n = pcm.read(buf, fill, buf.length - fill)) != -1) {
            if (n == 0 && ++idle > MAX_IDLE_READS) {
                throw new IOException("the decoder stopped producing samples without reaching the end of the stream");
            }
            if (n > 0) {
                idle = 0;
            }
            fill += n;
            int frames = fill / frameBytes;
            for (int i = 0; i < frames * channels; i++) {
                samples[i] = (short) ((buf[2 * i] & 0xFF) | (buf[2 * i + 1] & 0xFF) << 8) / 32768f;
            }
            out.accept(samples, frames);
            int rest = fill - frames * frameBytes;
            System.arraycopy(buf, frames * frameBytes, buf, 0, rest);
            fill = rest;
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
