package io.tunetrail.api.http;

import static io.tunetrail.api.http.AccessHook.principal;

import io.javalin.http.Context;
import io.tunetrail.api.auth.Scope;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.AnalyticsService;
import io.tunetrail.api.service.KeyUsageService;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Pro+ analytics (feature advanced_analytics): taste profiles, similar users, correlations, patterns, Wrapped, key usage. */
public final class AnalyticsController {
    private static final String FEATURE = "advanced_analytics";
    private static final Gate READ = Gate.metered(Scope.READ, FEATURE);
    private static final Gate ADMIN = Gate.metered(Scope.ADMIN, FEATURE);
    private static final String TAG = "Analytics";

    private final AnalyticsService analytics;
    private final KeyUsageService keyUsage;
    private final Clock clock;

    public AnalyticsController(AnalyticsService analytics, KeyUsageService keyUsage, Clock clock) {
        this.analytics = analytics;
        this.keyUsage = keyUsage;
        this.clock = clock;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/api/v1/ml/taste-profile", READ, TAG, "A listener's taste: recent genres, skip rate, listening hours, similar listeners",
                        ctx -> ctx.json(analytics.tasteProfile(principal(ctx), ctx.queryParam("user_id")))).query("user_id")
                        .returns(AnalyticsService.TasteProfile.class),
                ApiRoute.get("/api/v1/api-keys/{key_id}/usage", ADMIN, TAG,
                        "One key's usage per day: calls per route (last 35 days) and billed units per resource (ledger)",
                        ctx -> ctx.json(keyUsage.usage(principal(ctx), ctx.pathParam("key_id"), Check.intParam("days", ctx.queryParam("days"), 30, 1, 400))))
                        .query("days").returns(KeyUsageService.KeyUsage.class),
                ApiRoute.get("/api/v1/analytics/users/similar", READ, TAG, "Listeners with similar taste (active user-similarity version)",
                        ctx -> ctx.json(analytics.similarUsers(principal(ctx), ctx.queryParam("user_id"), limit(ctx)))).query("user_id", "limit")
                        .returns(AnalyticsService.Rows.class, AnalyticsService.SimilarUser.class),
                ApiRoute.get("/api/v1/analytics/correlations/genres", READ, TAG, "Genres listened together: counts, lift, NPMI",
                        ctx -> ctx.json(analytics.genreCorrelations(principal(ctx), ctx.queryParam("scope"), ctx.queryParam("genre_id"), limit(ctx))))
                        .query("scope", "genre_id", "limit").returns(AnalyticsService.Rows.class, AnalyticsService.GenrePair.class),
                ApiRoute.get("/api/v1/analytics/patterns/temporal", READ, TAG, "Listening by hour and weekday (UTC), for the org or one listener",
                        ctx -> ctx.json(analytics.temporalPatterns(principal(ctx), ctx.queryParam("user_id")))).query("user_id")
                        .returns(AnalyticsService.Rows.class, AnalyticsService.Cell.class),
                ApiRoute.get("/api/v1/analytics/correlations/context", READ, TAG, "Activities vs audio features: effect sizes with 95% CIs",
                        ctx -> ctx.json(analytics.contextCorrelations(principal(ctx), ctx.queryParam("activity")))).query("activity")
                        .returns(AnalyticsService.Rows.class, AnalyticsService.ContextEffect.class),
                ApiRoute.get("/api/v1/analytics/patterns/seasonal", READ, TAG, "Listening by month of the year and by season (UTC), for the org "
                                + "or one listener; hemisphere (north, the default, or south) names the seasons",
                        ctx -> ctx.json(analytics.seasonal(principal(ctx), ctx.queryParam("user_id"), ctx.queryParam("hemisphere"))))
                        .query("user_id", "hemisphere").returns(AnalyticsService.Seasonal.class),
                ApiRoute.get("/api/v1/analytics/insights/wrapped", READ, TAG, "A year in review: for the org, plays, minutes, listeners per month "
                                + "and top genres; with user_id, that listener's plays, minutes, months, top tracks and top genres",
                        ctx -> {
                            int year = Check.intParam("year", ctx.queryParam("year"), LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear(), 2000, 2100);
                            String userId = ctx.queryParam("user_id");
                            ctx.json(userId == null ? analytics.wrapped(principal(ctx), year) : analytics.listenerWrapped(principal(ctx), userId, year));
                        }).query("year", "user_id").returnsOneOf(AnalyticsService.Wrapped.class, AnalyticsService.ListenerWrapped.class));
    }

    private static int limit(Context ctx) {
        return Check.intParam("limit", ctx.queryParam("limit"), 20, 1, 100);
    }
}
