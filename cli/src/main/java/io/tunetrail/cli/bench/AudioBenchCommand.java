package io.tunetrail.cli.bench;

import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioInputException;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.audio.decode.AudioDecoder;
import io.tunetrail.audio.decode.DecodedAudio;
import io.tunetrail.audio.document.AnalysisJson;
import com.sun.management.OperatingSystemMXBean;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.setup.Setup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench audio}: the audio analyser on the shared clips, in seconds of audio per CPU second on one
 * core (the process's CPU time, one analysing thread: on a shared machine wall time measures the neighbours), beside
 * decoding alone and,
 * when Python can import librosa, librosa's extraction of the same features on the same clips in the same run.
 */
@Command(name = "audio", mixinStandardHelpOptions = true,
        description = {"Measure the audio analyser: decode + full analysis of the shared clips vs decode alone,",
            "and vs librosa's extraction of the same features when python3 can import librosa.",
            "Figures are seconds of audio per CPU second on one core (x real time). Last line: one JSON object."})
public final class AudioBenchCommand implements Callable<Integer> {
    @Option(names = "--clips", paramLabel = "DIR",
            description = "Folder of .ogg/.wav/.flac/.mp3 files (default: shared/datasets/audio-clips above the working directory)")
    Path clips;

    @Option(names = "--rounds", paramLabel = "N", description = "Timed rounds after one warm-up round; the median counts (default: 3)")
    int rounds = 3;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (rounds < 1 || rounds > 20) {
            throw CliError.usage("--rounds " + rounds + " is out of range", "Use 1 to 20 rounds");
        }
        List<Path> files = clipFiles();
        List<byte[]> audio = new ArrayList<>();
        for (Path f : files) {
            audio.add(Files.readAllBytes(f));
        }
        AudioAnalyser analyser = new AudioAnalyser();
        // The whole process's CPU (GC and JIT threads included), as librosa's process_time counts its BLAS threads.
        OperatingSystemMXBean cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double seconds = 0;
        for (byte[] a : audio) {
            seconds += decode(a).seconds();
        }
        List<Double> decodeCpu = new ArrayList<>(), fullCpu = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            long t0 = cpu.getProcessCpuTime();
            for (byte[] a : audio) {
                decode(a);
            }
            long t1 = cpu.getProcessCpuTime();
            for (byte[] a : audio) {
                analyse(analyser, a);
            }
            long t2 = cpu.getProcessCpuTime();
            if (round > 0) { // round 0 warms the JIT
                decodeCpu.add((t1 - t0) / 1e9);
                fullCpu.add((t2 - t1) / 1e9);
            }
        }
        double decodeX = seconds / median(decodeCpu);
        double fullX = seconds / median(fullCpu);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clips", files.size());
        json.put("audio_seconds", round(seconds));
        json.put("decode_x_realtime_per_core", round(decodeX));
        json.put("analysis_x_realtime_per_core", round(fullX));
        json.put("analysis_vs_decode_ratio", round(fullX / decodeX));
        System.out.printf("%-42s %10s%n", "audio analyser, " + files.size() + " clips, " + Math.round(seconds) + " s of audio",
                "x real time per core");
        System.out.printf("%-42s %10.1f%n", "decode + resample only", decodeX);
        System.out.printf("%-42s %10.1f%n", "decode + full analysis", fullX);
        Double librosaX = librosa(files);
        if (librosaX != null) {
            System.out.printf("%-42s %10.1f%n", "librosa, same features (python3)", librosaX);
            json.put("librosa_x_realtime_per_core", round(librosaX));
            json.put("analysis_vs_librosa_ratio", round(fullX / librosaX));
        } else {
            System.out.println("librosa: not importable by python3 (pip install librosa); no librosa baseline in this run");
        }
        json.put("goal_x_realtime_per_core", 50);
        System.out.println(AnalysisJson.write(json));
        return 0;
    }

    private static DecodedAudio decode(byte[] a) {
        try {
            return AudioDecoder.decode(a, AudioLimits.DEFAULT, AudioAnalyser.DEFAULT_SAMPLE_RATE);
        } catch (AudioInputException e) {
            throw CliError.failed("a clip could not be decoded", e.getMessage(), "Remove it from the clips folder");
        }
    }

    private static void analyse(AudioAnalyser analyser, byte[] a) {
        try {
            analyser.analyse(a, AudioLimits.DEFAULT);
        } catch (AudioInputException e) {
            throw CliError.failed("a clip could not be analysed", e.getMessage(), "Remove it from the clips folder");
        }
    }

    private List<Path> clipFiles() throws IOException {
        Path dir = clips;
        if (dir == null) {
            for (Path d = Path.of("").toAbsolutePath(); d != null && dir == null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("shared/datasets/audio-clips"))) {
                    dir = d.resolve("shared/datasets/audio-clips");
                }
            }
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliError.usage("no clips folder (" + (dir == null ? "no shared/datasets/audio-clips above here" : dir) + ")",
                    "Pass --clips DIR with some .ogg, .wav, .flac or .mp3 files");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().matches("(?i).*\\.(ogg|wav|flac|mp3)$")).sorted().toList();
            if (files.isEmpty()) {
                throw CliError.usage("no audio files in " + dir, "Pass --clips DIR with some .ogg, .wav, .flac or .mp3 files");
            }
            return files;
        }
    }

    /** librosa's x real time per core, or null when python3 cannot import it. */
    private static Double librosa(List<Path> files) throws IOException, InterruptedException {
        Path root = Setup.repositoryRoot();
        Path script = root == null ? null : root.resolve("audio-analysis/src/test/python/librosa_bench.py");
        if (script == null || !Files.isRegularFile(script)) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            return null;
        }
        String text = out.toString(StandardCharsets.UTF_8);
        Matcher audio = Pattern.compile("\"audio_seconds\": ([0-9.eE+-]+)").matcher(text);
        Matcher cpu = Pattern.compile("\"cpu_seconds\": ([0-9.eE+-]+)").matcher(text);
        if (!audio.find() || !cpu.find()) {
            return null;
        }
        return Double.parseDouble(audio.group(1)) / Double.parseDouble(cpu.group(1));
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
