package io.tunetrail.audio.decode;

import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioInputException.Reason;

/** RIFF/WAVE: integer PCM of 8, 16, 24 and 32 bits and IEEE float of 32 and 64 bits, plain or WAVE_FORMAT_EXTENSIBLE. */
final class WavDecoder {
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    private static final int CHUNK_FRAMES = 4096;

    private WavDecoder() {}

    static void decode(byte[] b, PcmCollector out) throws AudioInputException {
        int format = -1, channels = 0, rate = 0, bits = 0;
        int pos = 12;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = le32(b, pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > b.length) {
                    throw undecodable("the fmt chunk is shorter than 16 bytes");
                }
                format = le16(b, body);
                channels = le16(b, body + 2);
                rate = le32(b, body + 4);
                bits = le16(b, body + 14);
                if (format == EXTENSIBLE) {
                    if (size < 40 || body + 26 > b.length) {
                        throw undecodable("the WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
                    }
                    // The sub-format GUID starts with the plain format code.
                    format = le16(b, body + 24);
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw undecodable("the data chunk comes before any fmt chunk");
                }
                long available = b.length - body;
                if (size > available) {
                    throw undecodable("truncated: the data chunk declares " + size + " bytes, the file holds " + available);
                }
                readSamples(b, body, (int) size, format, channels, rate, bits, out);
                return;
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw undecodable("no data chunk found");
    }

    private static void readSamples(byte[] b, int offset, int size, int format, int channels, int rate, int bits,
            PcmCollector out) throws AudioInputException {
        boolean pcm = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = format == IEEE_FLOAT && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new AudioInputException(Reason.UNSUPPORTED_MEDIA,
                    "WAV format code " + format + " with " + bits + " bits per sample is not supported (PCM 8/16/24/32 bit and float 32/64 bit are)");
        }
        out.start(channels, rate);
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        int frames = size / frameBytes;
        float[] buf = new float[CHUNK_FRAMES * channels];
        for (int f0 = 0; f0 < frames; f0 += CHUNK_FRAMES) {
            int n = Math.min(CHUNK_FRAMES, frames - f0);
            int p = offset + f0 * frameBytes;
            for (int i = 0; i < n * channels; i++, p += bytesPerSample) {
                buf[i] = sample(b, p, bits, flt);
            }
            out.accept(buf, n);
        }
    }

    private static float sample(byte[] b, int p, int bits, boolean flt) {
        if (flt) {
            return bits == 32 ? Float.intBitsToFloat(le32(b, p)) : (float) Double.longBitsToDouble(
                    (le32(b, p) & 0xFFFFFFFFL) | ((long) le32(b, p + 4) << 32));
        }
        return switch (bits) {
            case 8 -> ((b[p] & 0xFF) - 128) / 128f;
            case 16 -> (short) le16(b, p) / 32768f;
            case 24 -> ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16) / 8388608f;
            default -> le32(b, p) / 2147483648f;
        };
    }

    private static AudioInputException undecodable(String why) {
        return new AudioInputException(Reason.UNDECODABLE, "WAV: " + why);
    }

    static int le16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
    }
}
