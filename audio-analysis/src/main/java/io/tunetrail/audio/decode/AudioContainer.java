package io.tunetrail.audio.decode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The containers the analyser decodes, recognised by their magic bytes (never by a claimed media type). */
public enum AudioContainer {
    WAV("audio/wav"),
    OGG_VORBIS("audio/ogg"),
    FLAC("audio/flac"),
    MP3("audio/mpeg");

    private final String mediaType;

    AudioContainer(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The container {@code bytes} start with, if any we read. */
    public static Optional<AudioContainer> sniff(byte[] bytes) {
        if (startsWith(bytes, 0, "RIFF") && startsWith(bytes, 8, "WAVE")) {
            return Optional.of(WAV);
        }
        if (startsWith(bytes, 0, "OggS")) {
            return Optional.of(OGG_VORBIS);
        }
        if (startsWith(bytes, 0, "fLaC")) {
            return Optional.of(FLAC);
        }
        if (startsWith(bytes, 0, "ID3") || isMpegAudioFrameSync(bytes)) {
            return Optional.of(MP3);
        }
        return Optional.empty();
    }

    /** An MPEG-1/2/2.5 Layer III frame header: 11 sync bits, a valid version and layer III, a valid bitrate and rate. */
    private static boolean isMpegAudioFrameSync(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) {
            return false;
        }
        int version = (b[1] >> 3) & 0x3;
        int layer = (b[1] >> 1) & 0x3;
        int bitrate = (b[2] >> 4) & 0xF;
        int rate = (b[2] >> 2) & 0x3;
        return version != 1 && layer == 1 && bitrate != 0xF && bitrate != 0 && rate != 3;
    }

    private static boolean startsWith(byte[] bytes, int offset, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < offset + m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (bytes[offset + i] != m[i]) {
                return false;
            }
        }
        return true;
    }
}
