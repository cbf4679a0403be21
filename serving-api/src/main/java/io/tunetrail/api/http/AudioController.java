package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.tunetrail.api.audio.AudioAnalysisService;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** HTTP for audio analysis: uploads in (raw body or multipart), analyses and a track's audio features out. */
public final class AudioController {
    private static final String FEATURE = "audio_analysis";
    /** One unit of the audio_analysis quota per upload; refusals are given back by the service. */
    private static final Gate ANALYZE = new Gate(Scope.WRITE, FEATURE, Gate.AUDIO_ANALYSIS, 1, null, null);
    private static final Gate READ_ANALYSIS = Gate.metered(Scope.READ, FEATURE);
    private static final Gate READ = Gate.metered(Scope.READ, "basic_recommendations");
    private static final String TAG = "Audio";
    /**
     * Content types taken as a raw upload. The analyser decides by magic bytes whatever the type claims, so these only
     * keep out bodies that say they are something else (JSON, text, forms).
     */
    private static final Set<String> RAW_TYPES = Set.of("audio/ogg", "application/ogg", "audio/vorbis", "audio/mpeg", "audio/mp3",
            "audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave", "audio/flac", "audio/x-flac", "application/octet-stream");

    private final AudioAnalysisService audio;
    private final long maxBytes;

    public AudioController(AudioAnalysisService audio, long maxBytes) {
        this.audio = audio;
        this.maxBytes = maxBytes;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post("/api/v1/audio/analyze", ANALYZE, TAG, "Analyse uploaded audio (WAV, Ogg Vorbis, FLAC, MP3; raw body or multipart "
                        + "'file'): Spotify-style audio features, an analysis document and a signal embedding; 202 when it outlives the wait",
                        this::analyze).query("track_id"),
                ApiRoute.get("/api/v1/audio/analyses/{analysis_id}", READ_ANALYSIS, TAG, "An audio analysis: features, track, bars, beats, "
                        + "tatums, sections, segments", ctx -> {
                            String id = ctx.pathParam("analysis_id");
                            var body = audio.analysis(principal(ctx), id);
                            ctx.status(audio.isPending(principal(ctx), id) ? 202 : 200).json(body);
                        }),
                ApiRoute.get("/api/v1/tracks/{track_id}/audio-analysis", READ_ANALYSIS, TAG, "The newest audio analysis of a track",
                        ctx -> ctx.json(audio.trackAnalysis(principal(ctx), ctx.pathParam("track_id")))),
                ApiRoute.get("/api/v1/tracks/{track_id}/audio-features", READ, "Catalog", "Audio features of a track: from its newest "
                        + "audio analysis when it has one, else the imported catalog's (the answer's 'source' says which)",
                        ctx -> ctx.json(audio.trackFeatures(principal(ctx), ctx.pathParam("track_id")))));
    }

    private void analyze(Context ctx) {
        String type = mediaType(ctx);
        boolean multipart = "multipart/form-data".equals(type);
        String trackId = ctx.queryParam("track_id");
        if (multipart && trackId == null) {
            trackId = ctx.formParam("track_id");
        }
        AudioAnalysisService.AnalyzeResult result = audio.analyze(principal(ctx), () -> multipart ? part(ctx) : body(ctx, type), trackId);
        ctx.status(result.complete() ? 200 : 202).json(result);
    }

    private byte[] part(Context ctx) {
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null) {
            throw ApiErrors.missingField("file");
        }
        if (file.size() > maxBytes) {
            throw ApiErrors.audioTooLarge("the file has " + file.size() + " bytes, over the limit of " + maxBytes);
        }
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] body(Context ctx, String type) {
        if (type != null && !RAW_TYPES.contains(type)) {
            throw ApiErrors.unsupportedMedia("Content-Type '" + type + "' is not audio; send audio/wav, audio/ogg, audio/flac, "
                    + "audio/mpeg or application/octet-stream, or multipart/form-data with a 'file' part");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw ApiErrors.audioTooLarge("the body has " + declared + " bytes, over the limit of " + maxBytes);
        }
        // Read directly rather than through Javalin's body cache, whose limit (api.max-body-bytes) is for JSON requests.
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw ApiErrors.audioTooLarge("the body has more than " + maxBytes + " bytes, the limit");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mediaType(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null || header.isBlank()) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
