package io.tunetrail.audio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Synthetic signals with known answers, a WAV writer, the shared clips and the Debian tools the tests may use. */
public final class TestAudio {
    public static final int RATE = 22_050;

    private TestAudio() {}

    /** Clicks (5 ms decaying 2 kHz bursts) every 60/bpm s from {@code offset}; every {@code accentEvery}-th is 4x louder. */
    public static float[] clicks(double bpm, double seconds, double offset, int accentEvery, int rate) {
        float[] y = new float[(int) (seconds * rate)];
        double period = 60 / bpm;
        int i = 0;
        for (double t = offset; t < seconds; t += period, i++) {
            double gain = accentEvery > 0 && i % accentEvery == 0 ? 0.8 : (accentEvery > 0 ? 0.2 : 0.6);
            int start = (int) Math.round(t * rate);
            for (int k = 0; k < rate / 50 && start + k < y.length; k++) {
                double env = Math.exp(-k / (0.004 * rate));
                y[start + k] += (float) (gain * env * Math.sin(2 * Math.PI * 2000 * k / rate));
            }
        }
        return y;
    }

    /** The beat times of {@link #clicks}. */
    public static List<Double> clickTimes(double bpm, double seconds, double offset) {
        List<Double> t = new ArrayList<>();
        for (double x = offset; x < seconds; x += 60 / bpm) {
            t.add(x);
        }
        return t;
    }

    /** A sum of sines (each with three decaying harmonics) at the given frequencies, amplitude {@code amp} each. */
    public static float[] tones(double seconds, double amp, int rate, double... hz) {
        float[] y = new float[(int) (seconds * rate)];
        for (double f : hz) {
            for (int h = 1; h <= 3; h++) {
                double a = amp / (h * h);
                if (f * h >= rate / 2.0) {
                    continue;
                }
                for (int n = 0; n < y.length; n++) {
                    y[n] += (float) (a * Math.sin(2 * Math.PI * f * h * n / rate));
                }
            }
        }
        return y;
    }

    public static float[] sine(double hz, double amp, double seconds, int rate) {
        float[] y = new float[(int) (seconds * rate)];
        for (int n = 0; n < y.length; n++) {
            y[n] = (float) (amp * Math.sin(2 * Math.PI * hz * n / rate));
        }
        return y;
    }

    public static float[] noise(double amp, double seconds, int rate, long seed) {
        Random r = new Random(seed);
        float[] y = new float[(int) (seconds * rate)];
        for (int n = 0; n < y.length; n++) {
            y[n] = (float) (amp * (2 * r.nextDouble() - 1));
        }
        return y;
    }

    public static float[] scaled(float[] y, double gain) {
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) (y[i] * gain);
        }
        return out;
    }

    /** A 16-bit PCM WAV of the given channels (each the same length). */
    public static byte[] wav16(int rate, float[]... channels) {
        return wav(rate, 1, 16, channels);
    }

    /** A WAV with integer PCM of {@code bits} (format 1) or IEEE float 32 (format 3). */
    public static byte[] wav(int rate, int format, int bits, float[]... channels) {
        int frames = channels[0].length;
        int bytesPer = bits / 8;
        int data = frames * channels.length * bytesPer;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) format).putShort((short) channels.length).putInt(rate)
                .putInt(rate * channels.length * bytesPer).putShort((short) (channels.length * bytesPer)).putShort((short) bits);
        b.put("data".getBytes()).putInt(data);
        for (int n = 0; n < frames; n++) {
            for (float[] ch : channels) {
                double v = Math.max(-1, Math.min(1, ch[n]));
                if (format == 3) {
                    b.putFloat((float) v);
                } else if (bits == 16) {
                    b.putShort((short) Math.round(v * 32767));
                } else if (bits == 24) {
                    int s = (int) Math.round(v * 8388607);
                    b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                } else {
                    b.putInt((int) Math.round(v * 2147483647.0));
                }
            }
        }
        return b.array();
    }

    /** The shared clips folder; skips the calling test, saying why, when it is absent. */
    public static Path sharedClips() {
        String configured = System.getProperty("TUNETRAIL_DATASETS", System.getenv("TUNETRAIL_DATASETS"));
        Path root = null;
        if (configured != null && !configured.isBlank()) {
            root = Path.of(configured);
        } else {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null && root == null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("shared/datasets"))) {
                    root = dir.resolve("shared/datasets");
                }
            }
        }
        Path clips = root == null ? null : root.resolve("audio-clips");
        assumeTrue(clips != null && Files.isDirectory(clips),
                "shared data set audio-clips is absent (no shared/datasets above the working directory and TUNETRAIL_DATASETS unset); skipping the test on real audio");
        return clips;
    }

    /** Skips the calling test when the Debian tool is not installed ({@code ./tunetrail setup} installs it). */
    public static void requireTool(String tool) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= Files.isExecutable(Path.of(dir, tool));
        }
        assumeTrue(found, tool + " is not installed (./tunetrail setup installs it); skipping the test that needs it");
    }

    /** Runs a tool and fails the test if it does not succeed. */
    public static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    /** Beat-tracking F-measure: a detection within {@code tolerance} s of an unmatched reference beat is a hit. */
    public static double fMeasure(List<Double> reference, List<Double> detected, double tolerance) {
        if (reference.isEmpty() || detected.isEmpty()) {
            return 0;
        }
        boolean[] used = new boolean[reference.size()];
        int hits = 0;
        for (double d : detected) {
            for (int i = 0; i < reference.size(); i++) {
                if (!used[i] && Math.abs(reference.get(i) - d) <= tolerance) {
                    used[i] = true;
                    hits++;
                    break;
                }
            }
        }
        double p = hits / (double) detected.size(), r = hits / (double) reference.size();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
