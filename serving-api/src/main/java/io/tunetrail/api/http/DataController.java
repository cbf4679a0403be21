package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.javalin.http.Context;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.CatalogService;
import io.tunetrail.api.service.FeedbackService;
import io.tunetrail.api.service.InteractionService;
import io.tunetrail.api.service.ItemFields;
import io.tunetrail.api.service.Page;
import io.tunetrail.api.service.RecommendationFilter;
import io.tunetrail.api.service.RecommendationService;
import io.tunetrail.api.service.UsageService;
import io.tunetrail.model.Track;
import java.util.List;

/** HTTP for recommendations, the catalog, interactions and usage: parse, call a service, answer. */
public final class DataController {
    private static final String BASIC = "basic_recommendations";
    private static final Gate READ = Gate.metered(Scope.READ, BASIC);
    private static final Gate SIMILAR = READ.choosingModel();
    private static final Gate WRITE = Gate.metered(Scope.WRITE, BASIC);
    private static final Gate PERSONAL = Gate.metered(Scope.READ, "personalized_recommendations");
    /** The API's hottest route: its feature rows come with the limit check, in the same Redis round trip. */
    private static final Gate DAILY_MIX = PERSONAL.prefetching("user_id", RecommendationService.DAILY_MIX_VIEWS).choosingModel();
    private static final Gate RADIO = PERSONAL.choosingModel();
    private static final String RECS = "Recommendations";
    private static final String CATALOG = "Catalog";

    private final RecommendationService recommendations;
    private final CatalogService catalog;
    private final InteractionService interactions;
    private final FeedbackService feedback;
    private final UsageService usage;

    /** A page of tracks and the cursor of the next one (null on the last page). */
    public record TrackPage(List<Track> tracks, String nextCursor) {
        static TrackPage of(Page<Track> page) {
            return new TrackPage(page.items(), page.nextCursor());
        }
    }

    /** A page of artists and the cursor of the next one (null on the last page). */
    public record ArtistPage(List<CatalogService.Artist> artists, String nextCursor) {
        static ArtistPage of(Page<CatalogService.Artist> page) {
            return new ArtistPage(page.items(), page.nextCursor());
        }
    }

    public record GenreList(List<CatalogService.Genre> genres) {}

    public DataController(RecommendationService recommendations, CatalogService catalog, InteractionService interactions,
            FeedbackService feedback, UsageService usage) {
        this.recommendations = recommendations;
        this.catalog = catalog;
        this.interactions = interactions;
        this.feedback = feedback;
        this.usage = usage;
    }

    public List<ApiRoute> routes() {
        return List.of(
                // Community
                ApiRoute.get("/api/v1/recommendations/genre-based", READ, RECS, "Popular tracks of a genre, or of a listener's recent genres",
                        ctx -> ctx.json(recommendations.genreBased(principal(ctx), ctx.queryParam("genre_id"), ctx.queryParam("user_id"),
                                limit(ctx), ctx.queryParam("cursor"), options(ctx)))).query(listParams("genre_id", "user_id", "limit", "cursor")).returns(RecommendationService.Recommendations.class),
                ApiRoute.get("/api/v1/tracks/{track_id}/similar", SIMILAR, RECS, "Tracks similar to a track (item-item model, else audio "
                                + "embeddings); model=content for audio embeddings only",
                        ctx -> ctx.json(recommendations.similar(principal(ctx), ctx.pathParam("track_id"), Check.optionalId("user_id",
                                ctx.queryParam("user_id")), limit(ctx), ctx.queryParam("cursor"), ctx.queryParam(Gate.MODEL_PARAM), options(ctx))))
                        .query(listParams("user_id", "limit", "cursor", Gate.MODEL_PARAM)).returns(RecommendationService.Recommendations.class),
                ApiRoute.post("/api/v1/recommendations/feedback", WRITE, RECS, "Feedback on a recommended track (like, dislike, skip, ...)",
                        ctx -> ctx.status(202).json(feedback.record(principal(ctx), Json.read(ctx.bodyAsBytes(), FeedbackService.FeedbackRequest.class))))
                        .body("FeedbackRequest").status(202).returns(FeedbackService.FeedbackRecorded.class),
                ApiRoute.get("/api/v1/tracks/top", READ, CATALOG, "The org's top tracks",
                        ctx -> ctx.json(catalog.top(principal(ctx), ctx.queryParam("time_range"), limit(ctx)))).query("time_range", "limit").returns(CatalogService.TopTracks.class),
                ApiRoute.post("/api/v1/interactions", WRITE, "Interactions",
                        "Listening events: one object, an array, or {\"events\": [...]} (up to 1000); idempotent by client_event_id",
                        ctx -> ctx.status(202).json(interactions.accept(principal(ctx), ctx.bodyAsBytes()))).body("InteractionEvent").status(202).returns(InteractionService.Accepted.class),
                ApiRoute.get("/api/v1/interactions/stats", READ, "Interactions", "Interactions accepted and duplicates, today and this month",
                        ctx -> ctx.json(interactions.stats(principal(ctx)))).returns(InteractionService.Stats.class),
                ApiRoute.get("/api/v1/tracks", READ, CATALOG, "Search tracks by title, genre or artist, most popular first",
                        ctx -> ctx.json(TrackPage.of(catalog.searchTracks(principal(ctx), ctx.queryParam("q"), ctx.queryParam("genre_id"),
                                ctx.queryParam("artist_id"), limit(ctx), ctx.queryParam("cursor"))))).query("q", "genre_id", "artist_id", "limit", "cursor")
                        .returns(TrackPage.class),
                ApiRoute.post("/api/v1/tracks", WRITE, CATALOG, "Add a track (the plan limits the catalog size)",
                        ctx -> ctx.status(201).json(catalog.createTrack(principal(ctx), Json.read(ctx.bodyAsBytes(), CatalogService.TrackRequest.class))))
                        .body("TrackRequest").status(201).returns(Track.class),
                ApiRoute.get("/api/v1/tracks/{track_id}", READ, CATALOG, "One track",
                        ctx -> ctx.json(catalog.track(principal(ctx), ctx.pathParam("track_id")))).returns(Track.class),
                ApiRoute.put("/api/v1/tracks/{track_id}", WRITE, CATALOG, "Replace a track's fields",
                        ctx -> ctx.json(catalog.replaceTrack(principal(ctx), ctx.pathParam("track_id"),
                                Json.read(ctx.bodyAsBytes(), CatalogService.TrackRequest.class)))).body("TrackRequest").returns(Track.class),
                ApiRoute.delete("/api/v1/tracks/{track_id}", WRITE, CATALOG, "Delete a track",
                        ctx -> noContent(ctx, () -> catalog.deleteTrack(principal(ctx), ctx.pathParam("track_id")))).status(204),
                ApiRoute.get("/api/v1/artists", READ, CATALOG, "Search artists by name",
                        ctx -> ctx.json(ArtistPage.of(catalog.artists(principal(ctx), ctx.queryParam("q"), limit(ctx), ctx.queryParam("cursor")))))
                        .query("q", "limit", "cursor").returns(ArtistPage.class),
                ApiRoute.post("/api/v1/artists", WRITE, CATALOG, "Add an artist",
                        ctx -> ctx.status(201).json(catalog.createArtist(principal(ctx), Json.read(ctx.bodyAsBytes(), CatalogService.ArtistRequest.class))))
                        .body("ArtistRequest").status(201).returns(CatalogService.Artist.class),
                ApiRoute.get("/api/v1/artists/{artist_id}", READ, CATALOG, "One artist",
                        ctx -> ctx.json(catalog.artist(principal(ctx), ctx.pathParam("artist_id")))).returns(CatalogService.Artist.class),
                ApiRoute.delete("/api/v1/artists/{artist_id}", WRITE, CATALOG, "Delete an artist without tracks",
                        ctx -> noContent(ctx, () -> catalog.deleteArtist(principal(ctx), ctx.pathParam("artist_id")))).status(204),
                ApiRoute.get("/api/v1/genres", READ, CATALOG, "The org's genres",
                        ctx -> ctx.json(new GenreList(catalog.genres(principal(ctx))))).returns(GenreList.class),
                ApiRoute.post("/api/v1/genres", WRITE, CATALOG, "Add a genre",
                        ctx -> ctx.status(201).json(catalog.createGenre(principal(ctx), Json.read(ctx.bodyAsBytes(), CatalogService.GenreRequest.class))))
                        .body("GenreRequest").status(201).returns(CatalogService.Genre.class),
                ApiRoute.get("/api/v1/genres/{genre_id}", READ, CATALOG, "One genre",
                        ctx -> ctx.json(catalog.genre(principal(ctx), ctx.pathParam("genre_id")))).returns(CatalogService.Genre.class),
                ApiRoute.delete("/api/v1/genres/{genre_id}", WRITE, CATALOG, "Delete a genre",
                        ctx -> noContent(ctx, () -> catalog.deleteGenre(principal(ctx), ctx.pathParam("genre_id")))).status(204),
                ApiRoute.get("/api/v1/usage", Gate.unmetered(Scope.READ, null), "Usage", "The org's usage today and this month, limits and what remains",
                        ctx -> ctx.json(usage.usage(principal(ctx)))).returns(UsageService.Usage.class),
                // Starter+
                ApiRoute.get("/api/v1/ml/daily-mix", DAILY_MIX, RECS,
                        "A listener's daily mix: the org's active model version (or the model family model= names, within the plan's "
                                + "ladder), filtered, never empty while the catalog is not",
                        ctx -> ctx.json(recommendations.dailyMix(principal(ctx), ctx.queryParam("user_id"), limit(ctx), ctx.queryParam("cursor"),
                                options(ctx), AccessHook.prefetched(ctx, ctx.queryParam("user_id")), ctx.queryParam(Gate.MODEL_PARAM))))
                        .query(listParams("user_id", "limit", "cursor", "exclude_recent", Gate.MODEL_PARAM)).returns(RecommendationService.Recommendations.class),
                ApiRoute.post("/api/v1/ml/radio", RADIO, RECS, "A radio station from a seed track, artist or genre, or from a listener's "
                                + "taste (user_id alone); with user_id it leaves out what they just heard and favours their genres. A continuing list",
                        ctx -> ctx.json(recommendations.radio(principal(ctx), Json.read(ctx.bodyAsBytes(), RecommendationService.RadioRequest.class),
                                ctx.queryParam(Gate.MODEL_PARAM), options(ctx))))
                        .body("RadioRequest").query(listParams(Gate.MODEL_PARAM)).returns(RecommendationService.Recommendations.class));
    }

    private static int limit(Context ctx) {
        return Check.intParam("limit", ctx.queryParam("limit"), 20, 1, 100);
    }

    /** The filter, business rules and item fields of a recommendation route's query (every such route takes all of them). */
    private static RecommendationService.ListOptions options(Context ctx) {
        RecommendationFilter filter = RecommendationFilter.parse(ctx.queryParamMap());
        String fields = ctx.queryParam("fields");
        return filter == RecommendationFilter.NONE && fields == null ? RecommendationService.ListOptions.DEFAULT
                : new RecommendationService.ListOptions(filter, ItemFields.parse(fields));
    }

    /** A recommendation route's own query parameters, then the filters and {@code fields} every such route takes. */
    private static String[] listParams(String... own) {
        List<String> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(RecommendationFilter.QUERY_PARAMS);
        all.add("fields");
        return all.toArray(String[]::new);
    }


    private static void noContent(Context ctx, Runnable action) {
        action.run();
        ctx.status(204);
    }
}
