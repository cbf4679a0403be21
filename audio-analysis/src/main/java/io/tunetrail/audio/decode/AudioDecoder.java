package io.tunetrail.audio.decode;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;
import io.tunetrail.audio.AudioLimits;

/** Decodes any supported container, recognised by magic bytes, to mono at a chosen rate within the given limits. */
public final class AudioDecoder {
    private AudioDecoder() {}

    /** Decodes {@code bytes} and resamples the mono downmix to {@code targetRate} Hz. */
    public static DecodedAudio decode(byte[] bytes, AudioLimits limits, int targetRate) throws AudioInputException {
        DecodedAudio native_ = decodeNative(bytes, limits);
        return native_.withSamples(Resampler.resample(native_.mono(), native_.sampleRate(), targetRate), targetRate);
    }

    /** Decodes {@code bytes} to mono at the file's own rate. */
    public static DecodedAudio decodeNative(byte[] bytes, AudioLimits limits) throws AudioInputException {
        if (bytes == null || bytes.length == 0) {
            throw new AudioInputException(Reason.EMPTY, "the audio is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new AudioInputException(Reason.TOO_LARGE,
                    "the audio has " + bytes.length + " bytes, more than the limit of " + limits.maxBytes());
        }
        AudioContainer container = AudioContainer.sniff(bytes).orElseThrow(() -> new AudioInputException(
                Reason.UNSUPPORTED_MEDIA, "not audio the analyser reads: expected Ogg Vorbis, WAV, FLAC or MP3 (by their magic bytes)"));
        if (container == AudioContainer.OGG_VORBIS && !vorbisInOgg(bytes)) {
            throw new AudioInputException(Reason.UNSUPPORTED_MEDIA,
                    "an Ogg file whose first stream is not Vorbis (Opus, FLAC-in-Ogg and Speex are not read)");
        }
        PcmCollector out = new PcmCollector(limits.maxSeconds());
        switch (container) {
            case WAV -> WavDecoder.decode(bytes, out);
            case OGG_VORBIS -> JavaSoundDecoder.decodeVorbis(bytes, out);
            case FLAC -> FlacDecoder.decode(bytes, out);
            case MP3 -> JavaSoundDecoder.decodeMp3(bytes, out);
        }
        return out.finish(container);
    }

    /** The first Ogg page (27-byte header plus its segment table) starts with Vorbis's identification header. */
    private static boolean vorbisInOgg(byte[] b) {
        if (b.length < 27) {
            return false;
        }
        int p = 27 + (b[26] & 0xFF);
        String id = "\u0001vorbis";
        if (p + id.length() > b.length) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (b[p + i] != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
