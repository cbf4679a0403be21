package io.tunetrail.cli.audio;

import com.zaxxer.hikari.HikariDataSource;
import io.tunetrail.api.http.Json;
import io.tunetrail.audio.AudioAnalyser;
import io.tunetrail.audio.AudioLimits;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.Progress;
import io.tunetrail.cli.TunetrailCli;
import io.tunetrail.model.CostCatalog;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.Database;
import io.tunetrail.store.alerts.CostCapAlerts;
import io.tunetrail.store.audio.AudioAnalysisWriter;
import io.tunetrail.store.audio.AudioObjectStore;
import io.tunetrail.store.audio.AudioStoreSettings;
import io.tunetrail.store.audio.TrackAudioAnalyser;
import io.tunetrail.store.audio.TrackAudioStore;
import io.tunetrail.store.costs.CostMeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunetrail analyze --dir DIR --org ORG}: a folder of audio analysed for the org's catalog tracks. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Analyse a folder of audio files for an org's catalog tracks: each file is matched to a track (its",
            "file name is the track id, or --match-by isrc: the ISRC in its tags), analysed in parallel, kept in the audio",
            "store (api.audio.store-dir), registered as the track's audio and stored where the API reads analyses.",
            "Files already analysed with these bytes by this analyser version are skipped (--force analyses them again).",
            "One line per unmatched or refused file; last line one JSON object. Exit 1 when any file failed."})
public final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The folder of audio files (searched recursively).")
    Path dir;

    @Option(names = "--org", required = true, paramLabel = "ORG", description = "The org whose catalog the files belong to.")
    String org;

    @Option(names = "--match-by", defaultValue = "filename", paramLabel = "filename|isrc",
            description = "How a file finds its track: filename (default; the name without extension is the track id) or isrc.")
    String matchBy;

    @Option(names = "--threads", paramLabel = "N", description = "Analysing threads (default: the machine's cores).")
    Integer threads;

    @Option(names = "--register-only", description = "Keep and register the audio only; the nightly audio-analysis job analyses it.")
    boolean registerOnly;

    @Option(names = "--force", description = "Analyse files again even when these bytes have an analysis of this analyser version.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        FolderAnalysis.MatchBy match = switch (matchBy.toLowerCase(Locale.ROOT)) {
            case "filename" -> FolderAnalysis.MatchBy.FILENAME;
            case "isrc" -> FolderAnalysis.MatchBy.ISRC;
            default -> throw CliError.usage("--match-by '" + matchBy + "' is not a way to match", "use filename or isrc");
        };
        int cores = Runtime.getRuntime().availableProcessors();
        int n = threads == null ? cores : threads;
        if (n < 1 || n > 256) {
            throw CliError.usage("--threads " + n + " is outside 1..256", "give a number of threads, e.g. --threads " + cores);
        }
        if (!Files.isDirectory(dir)) {
            throw CliError.usage("--dir " + dir + " is not a folder", "give the folder holding the audio files");
        }
        AtomicInteger ignored = new AtomicInteger();
        List<Path> files = FolderAnalysis.audioFiles(dir, ignored);
        if (files.isEmpty()) {
            throw CliError.usage("--dir " + dir + " holds no audio files (" + ignored.get() + " other files)",
                    "put .wav, .ogg, .flac or .mp3 files there");
        }
        PlatformConfig config = TunetrailCli.config();
        try (HikariDataSource ds = Database.connect(config, n + 1); AudioObjectStore objects = AudioStoreSettings.from(config).open()) {
            TrackAudioStore tracks = new TrackAudioStore(ds);
            if (!tracks.orgExists(org)) {
                throw CliError.usage("there is no org '" + org + "'", "pass an org id (./tunetrail admin org create prints it)");
            }
            TrackAudioAnalyser analyser = new TrackAudioAnalyser(new AudioAnalyser(), new AudioLimits(
                    config.getLong(PlatformConfig.API_AUDIO_MAX_UPLOAD_BYTES), config.getDouble(PlatformConfig.API_AUDIO_MAX_SECONDS)));
            FolderAnalysis work = new FolderAnalysis(org, match, n, registerOnly, force, tracks, new AudioAnalysisWriter(ds),
                    objects, analyser, System.out);
            FolderAnalysis.Summary s;
            try (Progress progress = Progress.start(registerOnly ? "register" : "analyse", "files", files.size())) {
                s = work.run(files, ignored.get(), progress::step);
            }
            Map<String, Object> out = json(s);
            if (s.cpuSeconds() > 0) {
                try {
                    out.put("cost_usd", recordCost(ds, s).usd());
                } catch (RuntimeException e) {
                    // The analyses are stored; a missing cost row must not turn the run into a failure.
                    System.err.println("analyze: the run's CPU cost was not recorded: " + e.getMessage());
                }
            }
            System.out.println(Json.mapper().writeValueAsString(out));
            if (!s.allDone()) {
                throw CliError.failed("analyze", s.unmatched() + " unmatched and " + s.refused() + " refused of " + s.files() + " files",
                        "see the lines above; name files by track id (or tag them with the track's ISRC) and give audio the analyser reads");
            }
        }
        return 0;
    }

    /** The run's analysis CPU time as one usage_costs row of the org (kind audio_analysis), as the API's analyses are. */
    private CostMeter.Recorded recordCost(HikariDataSource ds, FolderAnalysis.Summary s) {
        Clock clock = Clock.systemUTC();
        PlanCatalog plans = PlanCatalog.load();
        CostMeter meter = CostCapAlerts.alertingMeter(ds, plans, CostCatalog.load(), clock);
        return meter.record(new CostMeter.Run(org, "audio_analysis", "analyze_" + UUID.randomUUID().toString().replace("-", ""), 1, 0,
                s.cpuSeconds(), Map.of("source", "cli_analyze", "files", s.files(), "analysed", s.analysed(), "refused", s.refused())));
    }

    private Map<String, Object> json(FolderAnalysis.Summary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("org_id", org);
        out.put("files", s.files());
        out.put("analysed", s.analysed());
        out.put("registered", s.registered());
        out.put("already_analysed", s.alreadyAnalysed());
        out.put("unmatched", s.unmatched());
        out.put("refused", s.refused());
        out.put("ignored", s.ignored());
        out.put("audio_seconds", Math.round(s.audioSeconds() * 10) / 10.0);
        out.put("wall_seconds", Math.round(s.wallSeconds() * 10) / 10.0);
        out.put("cpu_seconds", Math.round(s.cpuSeconds() * 1000) / 1000.0);
        out.put("analyser_version", TrackAudioAnalyser.version());
        return out;
    }
}
