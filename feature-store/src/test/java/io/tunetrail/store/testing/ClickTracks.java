package io.tunetrail.store.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Audio made in the tests, with known answers: WAV click tracks (a decaying tone burst on every beat) at a given tempo,
 * so an analysis can be checked against the tempo it must find.
 */
public final class ClickTracks {
    public static final int SAMPLE_RATE = 22_050;

    private ClickTracks() {}

    /** A 16-bit mono WAV of {@code seconds} with a 30 ms burst of {@code toneHz} every beat at {@code bpm}. */
    public static byte[] wav(double bpm, double seconds, double toneHz) {
        int n = (int) Math.round(seconds * SAMPLE_RATE);
        short[] pcm = new short[n];
        int period = (int) Math.round(60.0 / bpm * SAMPLE_RATE);
        int burst = (int) (0.03 * SAMPLE_RATE);
        for (int start = 0; start < n; start += period) {
            for (int i = 0; i < burst && start + i < n; i++) {
                double env = Math.exp(-i / (0.006 * SAMPLE_RATE));
                pcm[start + i] = (short) Math.round(0.8 * Short.MAX_VALUE * env * Math.sin(2 * Math.PI * toneHz * i / SAMPLE_RATE));
            }
        }
        return wav(pcm);
    }

    /** A RIFF/WAVE file of 16-bit mono PCM at {@link #SAMPLE_RATE}. */
    public static byte[] wav(short[] pcm) {
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + pcm.length * 2)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(pcm.length * 2);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }

    /** A WAV header promising audio that is not there: a supported container the decoder must refuse. */
    public static byte[] truncatedWav() {
        byte[] full = wav(120, 2, 1000);
        byte[] cut = new byte[40];
        System.arraycopy(full, 0, cut, 0, cut.length);
        return cut;
    }
}
