package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.javalin.http.Context;
import io.tunetrail.api.audio.AudioAnalysisService;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.RecommendationFilter;
import java.util.List;

/** HTTP for audio analysis: uploads in (raw body or multipart), analyses and a track's audio features out. */
public final class AudioController {
    private static final String FEATURE = "audio_analysis";
    /**
     * One unit of the audio_analysis quota per upload; refusals are given back by the service, which publishes the
     * usage event only for an analysed file.
     */
    private static final Gate ANALYZE = new Gate(Scope.WRITE, FEATURE, Gate.AUDIO_ANALYSIS, 1, null, null).settlingUsageInHandler();
    private static final Gate READ_ANALYSIS = Gate.metered(Scope.READ, FEATURE);
    private static final Gate READ = Gate.metered(Scope.READ, "basic_recommendations");
    private static final Gate SIMILAR = Gate.metered(Scope.READ, "audio_similarity_search");
    /** A search by audio analyses its clip: one unit of audio_analysis, settled like an upload (refusals given back). */
    private static final Gate SEARCH_BY_AUDIO = new Gate(Scope.READ, FEATURE, Gate.AUDIO_ANALYSIS, 1, null, null).settlingUsageInHandler();
    /** Its body limit is the audio upload limit, like analyze's. */
    public static final String SEARCH_BY_AUDIO_PATH = "/api/v1/audio/similarity-search/by-audio";
    /** Pro and up, as the seeds list it: the analytics feature is what sets Pro apart. */
    private static final Gate MATRIX = Gate.metered(Scope.READ, "advanced_analytics");
    private static final String TAG = "Audio";
    /** Its body limit is the audio upload limit (BodyLimits), not the JSON routes' api.max-body-bytes. */
    public static final String ANALYZE_PATH = "/api/v1/audio/analyze";
    private final AudioAnalysisService audio;
    private final io.tunetrail.api.audio.AudioSimilaritySearch search;
    private final long maxBytes;

    public AudioController(AudioAnalysisService audio, io.tunetrail.api.audio.AudioSimilaritySearch search, long maxBytes) {
        this.audio = audio;
        this.search = search;
        this.maxBytes = maxBytes;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.post(ANALYZE_PATH, ANALYZE, TAG, "Analyse uploaded audio (WAV, Ogg Vorbis, FLAC, MP3; raw body or multipart "
                        + "'file'): Spotify-style audio features, an analysis document and a signal embedding; 202 when it outlives the wait",
                        this::analyze).query("track_id").status(200, 202).returns(AudioAnalysisService.AnalyzeResult.class),
                ApiRoute.post("/api/v1/tracks/{track_id}/analyze", ANALYZE, TAG, "Analyse again the newest audio kept for a track (uploaded "
                        + "with its track_id): a new analysis, counted like an upload; 404 when the track has no stored audio", ctx -> {
                            var result = audio.analyzeTrack(principal(ctx), AccessHook.pendingUsage(ctx), ctx.pathParam("track_id"));
                            ctx.status(result.complete() ? 200 : 202).json(result);
                        }).status(200, 202).returns(AudioAnalysisService.AnalyzeResult.class),
                ApiRoute.get("/api/v1/tracks/similar-by-audio/{track_id}", SIMILAR, TAG, "Tracks that sound like a track: by the signal "
                        + "embeddings of analysed audio when it has one, else by its catalog embedding ('embedding' says which: signal, "
                        + "catalog_features or audio_analysis); takes the recommendation filters",
                        ctx -> ctx.json(search.similarByAudio(principal(ctx), ctx.pathParam("track_id"),
                                Check.intParam("limit", ctx.queryParam("limit"), 20, 1, 100), filter(ctx)))).query(withFilters("limit"))
                        .returns(io.tunetrail.api.audio.AudioSimilaritySearch.SoundsLike.class),
                ApiRoute.post("/api/v1/audio/similarity-search", SIMILAR, TAG, "Nearest tracks by audio embedding (pgvector): by track_id "
                        + "in its signal embedding when its audio was analysed, else its catalog embedding; by vector in the space its "
                        + "dimension names (512: signal). 'embedding', 'model' and 'dimension' say which answered; takes the recommendation filters",
                        ctx -> ctx.json(search.search(principal(ctx), Json.read(ctx.bodyAsBytes(),
                                io.tunetrail.api.service.RecommendationService.SimilaritySearchRequest.class), filter(ctx))))
                        .body("SimilaritySearchRequest").query(withFilters())
                        .returns(io.tunetrail.api.audio.AudioSimilaritySearch.Neighbours.class),
                ApiRoute.post(SEARCH_BY_AUDIO_PATH, SEARCH_BY_AUDIO, TAG, "Tracks that sound like an uploaded clip (raw body or multipart "
                        + "'file', as for analyze): the clip is analysed, not kept, and counted against audio_analysis; answered from the "
                        + "signal embeddings of the org's analysed tracks; takes the recommendation filters", this::searchByAudio)
                        .query(withFilters("limit")).returns(io.tunetrail.api.audio.AudioSimilaritySearch.Neighbours.class),
                ApiRoute.get("/api/v1/ml/tracks/similarity-matrix", MATRIX, TAG, "Pairwise audio similarities of up to api.audio.matrix-max-ids "
                        + "tracks (ids=a,b,c): signal embeddings where analysed, else catalog feature embeddings; null across the two",
                        ctx -> ctx.json(search.similarityMatrix(principal(ctx), ctx.queryParam("ids")))).query("ids")
                        .returns(io.tunetrail.api.audio.AudioSimilaritySearch.SimilarityMatrix.class),
                ApiRoute.get("/api/v1/audio/analyses/{analysis_id}", READ_ANALYSIS, TAG, "An audio analysis: features, track, bars, beats, "
                        + "tatums, sections, segments", ctx -> {
                            String id = ctx.pathParam("analysis_id");
                            var body = audio.analysis(principal(ctx), id);
                            ctx.status(audio.isPending(principal(ctx), id) ? 202 : 200).json(body);
                        }).status(200, 202).returnsOneOf(AudioAnalysisService.Analysis.class, AudioAnalysisService.PendingAnalysis.class),
                ApiRoute.get("/api/v1/tracks/{track_id}/audio-analysis", READ_ANALYSIS, TAG, "The newest audio analysis of a track",
                        ctx -> ctx.json(audio.trackAnalysis(principal(ctx), ctx.pathParam("track_id")))).returns(AudioAnalysisService.Analysis.class),
                ApiRoute.get("/api/v1/tracks/{track_id}/audio-features", READ, "Catalog", "Audio features of a track: from its newest "
                        + "audio analysis when it has one, else the imported catalog's (the answer's 'source' says which)",
                        ctx -> ctx.json(audio.trackFeatures(principal(ctx), ctx.pathParam("track_id")))).returns(AudioAnalysisService.TrackFeatures.class));
    }

    private void analyze(Context ctx) {
        AudioAnalysisService.AnalyzeResult result = audio.analyze(principal(ctx), AccessHook.pendingUsage(ctx), upload(ctx));
        ctx.status(result.complete() ? 200 : 202).json(result);
    }

    private void searchByAudio(Context ctx) {
        // The parameters are read as part of the upload, so a bad one is a refusal whose quota unit the service gives back.
        var asked = new Object() {
            int limit;
            RecommendationFilter filter;
        };
        AudioAnalysisService.UploadReader upload = upload(ctx);
        var clip = audio.analyseClip(principal(ctx), AccessHook.pendingUsage(ctx), () -> {
            asked.limit = Check.intParam("limit", ctx.queryParam("limit"), 10, 1, 100);
            asked.filter = filter(ctx);
            return upload.read();
        });
        ctx.json(search.byAudio(principal(ctx), clip, asked.limit, asked.filter));
    }

    /** The recommendation routes' filters (a bad one: 400 naming it). */
    private static RecommendationFilter filter(Context ctx) {
        return RecommendationFilter.parse(ctx.queryParamMap());
    }

    private static String[] withFilters(String... own) {
        List<String> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(RecommendationFilter.QUERY_PARAMS);
        return all.toArray(String[]::new);
    }

    /** The request's audio: the raw body, or the multipart part 'file' (with its track_id field, if any). */
    private AudioAnalysisService.UploadReader upload(Context ctx) {
        String queryTrack = ctx.queryParam("track_id");
        return () -> {
            if (!AudioUploads.isMultipart(ctx)) {
                return new AudioAnalysisService.Upload(AudioUploads.raw(ctx, maxBytes), queryTrack);
            }
            try (AudioUploads.Form form = AudioUploads.multipart(ctx, maxBytes, 1)) {
                List<jakarta.servlet.http.Part> files = form.files("file");
                if (files.isEmpty()) {
                    throw ApiErrors.missingField("file");
                }
                return new AudioAnalysisService.Upload(AudioUploads.Form.bytes(files.get(0)),
                        queryTrack != null ? queryTrack : form.field("track_id"));
            }
        };
    }
}
