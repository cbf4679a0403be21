package io.tunetrail.audio.decode;

/**
 * How many leading PCM frames of an MP3 are not the audio that was encoded. An encoder prepends its own delay (LAME
 * writes it into the "Info"/"Xing" frame's LAME extension; 576 frames when absent, LAME's default) and the decoder's
 * synthesis filter bank adds 529 more. JLayer also decodes the Info frame itself as one frame of silence. Without this
 * correction every beat of an MP3 lands about 50 ms later than the same beat of the WAV it came from.
 */
final class Mp3Delay {
    /** The MP3 synthesis filter bank's delay (the figure LAME, FFmpeg and the ISO reference decoder agree on). */
    static final int DECODER_DELAY = 529;
    /** LAME's default encoder delay, assumed when the file carries no LAME tag. */
    static final int DEFAULT_ENCODER_DELAY = 576;

    private Mp3Delay() {}

    static long framesToSkip(byte[] b) {
        int frame = firstFrame(b);
        if (frame < 0 || frame + 4 > b.length) {
            return DECODER_DELAY + DEFAULT_ENCODER_DELAY;
        }
        int version = (b[frame + 1] >> 3) & 0x3; // 3 = MPEG-1
        boolean mono = ((b[frame + 3] >> 6) & 0x3) == 3;
        int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int xing = frame + 4 + sideInfo;
        if (!tagAt(b, xing, "Xing") && !tagAt(b, xing, "Info")) {
            return DECODER_DELAY + DEFAULT_ENCODER_DELAY;
        }
        int samplesPerFrame = version == 3 ? 1152 : 576;
        int lame = xing + 120;
        int encoderDelay = DEFAULT_ENCODER_DELAY;
        if (lame + 24 <= b.length && (tagAt(b, lame, "LAME") || tagAt(b, lame, "Lavc") || tagAt(b, lame, "Lavf"))) {
            encoderDelay = ((b[lame + 21] & 0xFF) << 4) | ((b[lame + 22] & 0xFF) >> 4);
        }
        return samplesPerFrame + encoderDelay + DECODER_DELAY;
    }

    /** The offset of the first frame header, after an ID3v2 tag when there is one. */
    private static int firstFrame(byte[] b) {
        int p = 0;
        if (tagAt(b, 0, "ID3") && b.length >= 10) {
            int size = (b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F);
            p = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
        }
        for (int limit = Math.min(b.length - 1, p + 65536); p < limit; p++) {
            if ((b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xE0) == 0xE0) {
                return p;
            }
        }
        return -1;
    }

    private static boolean tagAt(byte[] b, int p, String tag) {
        if (p < 0 || p + tag.length() > b.length) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (b[p + i] != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
