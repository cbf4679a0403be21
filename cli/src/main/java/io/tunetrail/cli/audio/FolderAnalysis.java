package io.tunetrail.cli.audio;

import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.audio.decode.AudioContainer;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.TrackAudioStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The work of {@code ./tunetrail analyze --dir}: every audio file under a folder, matched to a catalog track of one
 * org, analysed on a bounded pool, kept in the audio object store, registered in {@code track_audio} and stored where
 * the API reads analyses. A file that matches no track or that the analyser refuses is one line on {@code report} and
 * a count; the others go on.
 */
public final class FolderAnalysis {
    /** How files find their track. */
    public enum MatchBy {
        /** The file name without its extension is the track id. */
        FILENAME,
        /** The ISRC in the file's tags is the track's ({@link IsrcTags}). */
        ISRC
    }

    /** File name endings taken for audio; other files are counted as ignored. */
    static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "wave", "ogg", "oga", "flac", "mp3");

    /** What a run did, in counts. */
    public record Summary(int files, int analysed, int registered, int alreadyAnalysed, int unmatched, int refused, int ignored,
            double audioSeconds, double wallSeconds, double cpuSeconds) {
        public boolean allDone() {
            return unmatched == 0 && refused == 0;
        }
    }

    private final String orgId;
    private final MatchBy matchBy;
    private final int threads;
    private final boolean registerOnly;
    private final boolean force;
    private final TrackAudioStore tracks;
    private final AudioAnalysisWriter writer;
    private final AudioObjectStore objects;
    private final TrackAudioAnalyser analyser;
    private final PrintStream report;

    public FolderAnalysis(String orgId, MatchBy matchBy, int threads, boolean registerOnly, boolean force, TrackAudioStore tracks,
            AudioAnalysisWriter writer, AudioObjectStore objects, TrackAudioAnalyser analyser, PrintStream report) {
        this.orgId = orgId;
        this.matchBy = matchBy;
        this.threads = threads;
        this.registerOnly = registerOnly;
        this.force = force;
        this.tracks = tracks;
        this.writer = writer;
        this.objects = objects;
        this.analyser = analyser;
        this.report = report;
    }

    /** The audio files under {@code dir} (recursively, hidden ones skipped), sorted, and how many other files there were. */
    public static List<Path> audioFiles(Path dir, AtomicInteger ignored) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> out = new ArrayList<>();
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (AUDIO_EXTENSIONS.contains(extension(name))) {
                    out.add(p);
                } else {
                    ignored.incrementAndGet();
                }
            }
            return out;
        }
    }

    /** Analyses {@code files}; {@code progress} is told of each file done. */
    public Summary run(List<Path> files, int ignored, LongConsumer progress) throws InterruptedException {
        long start = System.nanoTime();
        Set<String> trackIds = matchBy == MatchBy.FILENAME ? tracks.trackIds(orgId) : Set.of();
        Map<String, String> byIsrc = matchBy == MatchBy.ISRC ? tracks.trackIdsByIsrc(orgId) : Map.of();
        Counts counts = new Counts();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tunetrail-analyze");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Path file : files) {
                work.add(pool.submit(() -> {
                    try {
                        one(file, trackIds, byIsrc, counts);
                    } finally {
                        progress.accept(1);
                    }
                }));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // A store failure (PostgreSQL, disk) is not the file's fault: stop, with the cause.
                    pool.shutdownNow();
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(files.size(), counts.analysed.intValue(), counts.registered.intValue(), counts.already.intValue(),
                counts.unmatched.intValue(), counts.refused.intValue(), ignored, counts.audioMillis.sum() / 1000.0,
                (System.nanoTime() - start) / 1e9, counts.cpuNanos.sum() / 1e9);
    }

    private static final class Counts {
        final LongAdder analysed = new LongAdder();
        final LongAdder registered = new LongAdder();
        final LongAdder already = new LongAdder();
        final LongAdder unmatched = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder audioMillis = new LongAdder();
        final LongAdder cpuNanos = new LongAdder();
    }

    private void one(Path file, Set<String> trackIds, Map<String, String> byIsrc, Counts counts) {
        byte[] audio;
        try {
            audio = Files.readAllBytes(file);
        } catch (IOException e) {
            line("unreadable", file, e.getMessage());
            counts.refused.increment();
            return;
        }
        Optional<String> track = match(file, audio, trackIds, byIsrc);
        if (track.isEmpty()) {
            counts.unmatched.increment();
            return;
        }
        String trackId = track.get();
        String sha = TrackAudioAnalyser.sha256(audio);
        if (!force && tracks.registered(orgId, trackId).filter(a -> a.sha256().equals(sha)).isPresent()
                && (registerOnly || tracks.analysed(orgId, trackId, sha, TrackAudioAnalyser.version()))) {
            counts.already.increment();
            return;
        }
        Optional<AudioContainer> container = AudioContainer.sniff(audio);
        if (registerOnly) {
            if (container.isEmpty()) {
                line("unsupported_media", file, "not Ogg Vorbis, WAV, FLAC or MP3 by its first bytes");
                counts.refused.increment();
                return;
            }
            register(trackId, container.get(), audio, sha);
            counts.registered.increment();
            return;
        }
        // The analysis thread's CPU time, refused files included: what the run's cost row prices.
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.getCurrentThreadCpuTime();
        TrackAudioAnalyser.Outcome outcome;
        try {
            outcome = analyser.analyse(orgId, trackId, null, audio);
        } finally {
            if (cpuStart >= 0) {
                counts.cpuNanos.add(cpu.getCurrentThreadCpuTime() - cpuStart);
            }
        }
        if (!outcome.analysed()) {
            line(outcome.refusal(), file, outcome.message());
            counts.refused.increment();
            return;
        }
        String key = register(trackId, container.orElseThrow(), audio, sha);
        AudioAnalysisWriter.TrackAnalysis a = outcome.analysis().withObjectKey(key);
        writer.insert(a);
        counts.registered.increment();
        counts.analysed.increment();
        counts.audioMillis.add(a.durationMs());
    }

    private String register(String trackId, AudioContainer container, byte[] audio, String sha) {
        String key = objects.put(orgId, "track_" + trackId + "." + container.name().toLowerCase(Locale.ROOT), audio);
        tracks.register(new TrackAudioStore.TrackAudio(orgId, trackId, key, sha, audio.length));
        return key;
    }

    private Optional<String> match(Path file, byte[] audio, Set<String> trackIds, Map<String, String> byIsrc) {
        if (matchBy == MatchBy.FILENAME) {
            String stem = stem(file.getFileName().toString());
            if (trackIds.contains(stem)) {
                return Optional.of(stem);
            }
            line("unmatched", file, "org " + orgId + " has no track with id '" + stem + "'");
            return Optional.empty();
        }
        Optional<String> isrc = IsrcTags.read(audio);
        if (isrc.isEmpty()) {
            line("unmatched", file, "its tags carry no ISRC (ID3 TSRC or Vorbis comment ISRC)");
            return Optional.empty();
        }
        String trackId = byIsrc.get(isrc.get());
        if (trackId == null) {
            line("unmatched", file, "org " + orgId + " has no track with ISRC " + isrc.get());
            return Optional.empty();
        }
        return Optional.of(trackId);
    }

    private void line(String what, Path file, String why) {
        synchronized (report) {
            report.println(what + ": " + file + ": " + why);
        }
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
