package io.tunetrail.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.audio.AudioAnalysisService;
import io.tunetrail.api.auth.Principal;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.AudioUploads;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.http.Json;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.store.Sql;
import jakarta.servlet.http.Part;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audio page: upload a file for analysis through the API's {@link AudioAnalysisService} (its analyser pool, size
 * limit and refunds), see an analysis's features with its waveform, beats and sections drawn as SVG on the server
 * ({@link AudioChart}, no script), and the org's recent analyses. The page takes the gate of reading an analysis, the
 * upload the gate of {@code POST /api/v1/audio/analyze}; the upload counts one unit of the plan's
 * {@code audio_analysis} quota as the API's does ({@link ConsoleMetering}: the console has no API key).
 */
final class AudioController {
    static final String PATH = ConsoleHttp.BASE + "/audio";
    private static final int RECENT = 20;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final AudioAnalysisService audio;
    private final ConsoleMetering metering;
    private final Sql sql;
    private final long maxBytes;
    private final ConsoleHttp http;

    AudioController(AudioAnalysisService audio, ConsoleMetering metering, Sql sql, long maxBytes, ConsoleHttp http) {
        this.audio = audio;
        this.metering = metering;
        this.sql = sql;
        this.maxBytes = maxBytes;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, Gate read, Gate analyze) {
        app.get(PATH, guard.page(read, "The audio page", (ctx, m) -> page(ctx, m, guard, analyze, Map.of(), 200)));
        app.post(PATH, guard.upload(analyze, "Analysing audio", maxBytes, (ctx, m, form) -> upload(ctx, m, guard, analyze, form),
                (ctx, m) -> page(ctx, m, guard, analyze, Map.of("file", "The file is over the limit of " + maxBytes / (1024 * 1024)
                        + " MB; nothing was read, analysed or counted. Choose a shorter or more compressed file."), 413)));
    }

    private void page(Context ctx, Member m, PageGuard guard, Gate analyze, Map<String, String> errors, int status) {
        String analysisId = ctx.queryParam("analysis");
        Views.AudioAnalysisView shown = null;
        if (analysisId != null && !analysisId.isBlank()) {
            JsonNode doc = Json.mapper().valueToTree(audio.analysis(m.principal(), Check.id("analysis", analysisId.trim())));
            shown = view(doc);
        }
        http.render(ctx, status, "audio.jte", new Views.Audio(m.frame("Audio", "audio"), m.session().csrfToken(),
                guard.action(analyze, m, "Analysing audio"), maxBytes / (1024 * 1024), errors, shown, recent(m.principal().orgId())));
    }

    private void upload(Context ctx, Member m, PageGuard guard, Gate analyze, AudioUploads.Form form) {
        List<Part> files = form.files("file");
        byte[] bytes = files.isEmpty() ? new byte[0] : AudioUploads.Form.bytes(files.get(0));
        String track = form.field("track_id");
        String trackId = track == null || track.isBlank() ? null : track.trim();
        if (bytes.length == 0) {
            page(ctx, m, guard, analyze, Map.of("file", "Choose an audio file (WAV, Ogg Vorbis, FLAC or MP3) to analyse."), 400);
            return;
        }
        Principal p = m.principal();
        ConsoleMetering.Counted counted;
        try {
            counted = metering.count(p, Gate.AUDIO_ANALYSIS, "POST " + PATH);
        } catch (ConsoleMetering.QuotaRefused e) {
            page(ctx, m, guard, analyze, Map.of("file", e.getMessage()), 429);
            return;
        }
        AudioAnalysisService.AnalyzeResult result;
        try {
            // The service publishes the usage event once analysed and gives the unit back on every refusal, as for the API's uploads.
            result = audio.analyze(p, counted.usage(), () -> new AudioAnalysisService.Upload(bytes, trackId));
        } catch (ApiException e) {
            if (e.status() >= 500 || e.status() == 429) {
                throw e;
            }
            String field = "track_id".equals(e.field()) || e.status() == 404 ? "track_id" : "file";
            page(ctx, m, guard, analyze, Map.of(field, e.status() == 404 ? "Your catalog has no track '" + trackId + "'." : e.detail()),
                    e.status());
            return;
        }
        ConsoleHttp.redirect(ctx, PATH + "?analysis=" + result.analysisId());
    }

    private List<Views.AudioRow> recent(String orgId) {
        return sql.list("listing audio analyses", "SELECT analysis_id, track_id, duration_ms, features->>'tempo' AS tempo, created_at "
                + "FROM audio_analyses WHERE org_id = ? ORDER BY created_at DESC, analysis_id DESC LIMIT " + RECENT, ps -> ps.setString(1, orgId),
                rs -> new Views.AudioRow(rs.getString("analysis_id"), rs.getString("track_id") == null ? "" : rs.getString("track_id"),
                        String.format(Locale.ROOT, "%.1f s", rs.getLong("duration_ms") / 1000.0),
                        rs.getString("tempo") == null ? "" : String.format(Locale.ROOT, "%.1f BPM", Double.parseDouble(rs.getString("tempo"))),
                        WHEN.format(Sql.instant(rs, "created_at"))));
    }

    private static Views.AudioAnalysisView view(JsonNode doc) {
        String id = doc.path("analysis_id").asText();
        if ("pending".equals(doc.path("status").asText())) {
            return new Views.AudioAnalysisView(id, true, "", Map.of(), null);
        }
        Map<String, String> features = new LinkedHashMap<>();
        doc.path("audio_features").fields().forEachRemaining(e -> features.put(e.getKey(), e.getValue().isFloatingPointNumber()
                ? String.format(Locale.ROOT, "%.3f", e.getValue().asDouble()) : e.getValue().asText()));
        return new Views.AudioAnalysisView(id, false, doc.path("track_id").isTextual() ? doc.path("track_id").asText() : "", features,
                AudioChart.of(doc));
    }

    /** The documents' arrays the chart draws, as read from the analysis. */
    static List<JsonNode> items(JsonNode doc, String name) {
        List<JsonNode> out = new ArrayList<>();
        doc.path(name).forEach(out::add);
        return out;
    }
}
