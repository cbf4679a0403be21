package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.http.Check;
import io.tunetrail.api.service.AnalyticsService;
import io.tunetrail.api.service.CatalogService;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The insights page: genre correlations and listening by weekday and hour as heat maps, context correlations with
 * their confidence intervals, top tracks, the org's Wrapped and, for a listener asked for by id, their taste profile and
 * their Wrapped of the form's year.
 * Read from the services behind the API's analytics routes ({@link AnalyticsService}, and {@link CatalogService} for
 * top tracks) with the signed-in member's principal, and gated by those routes' gates. The charts are SVG drawn here,
 * so the page needs no script.
 */
final class InsightsController {
    static final String PATH = ConsoleHttp.BASE + "/insights";
    /** Genre pairs read for the heat map: its genres are those of the strongest pairs. */
    private static final int GENRE_PAIRS = 100;
    private static final int TOP_TRACKS = 10;

    private final AnalyticsService analytics;
    private final CatalogService catalog;
    private final Clock clock;
    private final ConsoleHttp http;

    InsightsController(AnalyticsService analytics, CatalogService catalog, Clock clock, ConsoleHttp http) {
        this.analytics = analytics;
        this.catalog = catalog;
        this.clock = clock;
        this.http = http;
    }

    void install(Javalin app, PageGuard guard, ConsoleRoutes.InsightGates gates) {
        app.get(PATH, guard.page(gates.analytics(), "The insights page", (ctx, m) -> page(ctx, m, guard.action(gates.topTracks(), m, "Top tracks"))));
    }

    private void page(Context ctx, Member m, Views.Action topTracks) {
        Map<String, String> errors = new LinkedHashMap<>();
        String scope = param(ctx, "scope", "user");
        String userId = param(ctx, "user_id", "");
        String yearText = param(ctx, "year", Integer.toString(LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear()));
        Views.InsightsForm form = new Views.InsightsForm(scope, userId, yearText);

        AnalyticsService.Rows<AnalyticsService.GenrePair> genres = read(errors, () -> analytics.genreCorrelations(m.principal(), scope, null, GENRE_PAIRS));
        AnalyticsService.Rows<AnalyticsService.Cell> temporal = analytics.temporalPatterns(m.principal(), null);
        AnalyticsService.Rows<AnalyticsService.ContextEffect> context = analytics.contextCorrelations(m.principal(), null);
        AnalyticsService.Wrapped wrapped = read(errors, () -> analytics.wrapped(m.principal(), Check.intParam("year", yearText, 0, 2000, 2100)));
        AnalyticsService.TasteProfile taste = userId.isEmpty() ? null : read(errors, () -> analytics.tasteProfile(m.principal(), userId));
        AnalyticsService.ListenerWrapped listenerYear = taste == null || errors.containsKey("year") ? null
                : read(errors, () -> analytics.listenerWrapped(m.principal(), userId, Check.intParam("year", yearText, 0, 2000, 2100)));
        CatalogService.TopTracks top = topTracks.allowed() ? catalog.top(m.principal(), null, TOP_TRACKS) : null;

        Views.Insights view = new Views.Insights(m.frame("Insights", "insights"), form, errors,
                genres == null ? null : genres.modelVersion(), genres == null ? null : InsightCharts.genreHeatMap(genres.rows()),
                temporal.modelVersion(), InsightCharts.weekHeatMap(temporal.rows()),
                context.modelVersion(), context.rows().isEmpty() ? null : InsightCharts.contextIntervals(context.rows()),
                topTracks, top == null ? List.of() : topRows(top), top == null ? null : top.basis(),
                wrapped == null ? null : wrappedView(wrapped), taste == null ? null : tasteView(taste, listenerYear));
        http.render(ctx, errors.isEmpty() ? 200 : 400, "insights.jte", view);
    }

    @FunctionalInterface
    private interface Read<T> {
        T get();
    }

    /**
     * The answer, or null with the refusal beside its form field when the API would refuse the field (400). A 404 here
     * is the taste profile's only: a listener with no history, told beside the user id.
     */
    private static <T> T read(Map<String, String> errors, Read<T> read) {
        try {
            return read.get();
        } catch (ApiException e) {
            if (e.status() == 404) {
                errors.put("user_id", "No listening history for this listener: check the id, or wait for their first plays to be processed.");
                return null;
            }
            if (e.field() == null) {
                throw e;
            }
            errors.put(e.field(), e.detail());
            return null;
        }
    }

    private static List<Views.TopTrackRow> topRows(CatalogService.TopTracks top) {
        List<Views.TopTrackRow> rows = new ArrayList<>();
        int rank = 1;
        for (CatalogService.TopTrack t : top.tracks()) {
            rows.add(new Views.TopTrackRow(rank++, t.track().trackId(), t.track().title(), String.join(", ", t.track().genreIds()),
                    t.plays() == null ? "" : count(t.plays()), t.listeners() == null ? "" : count(t.listeners())));
        }
        return rows;
    }

    private static Views.WrappedView wrappedView(AnalyticsService.Wrapped w) {
        List<String> genres = w.topGenres().stream().map(g -> g.get("genre_id") + " (" + count(((Number) g.get("plays")).longValue()) + " plays)")
                .toList();
        return new Views.WrappedView(w.year(), w.modelVersion(), count(w.plays()), count(Math.round(w.minutes())), count(w.peakListeners()),
                genres, w.months().isEmpty() ? null : InsightCharts.months(w.months()));
    }

    private static Views.TasteView tasteView(AnalyticsService.TasteProfile t, AnalyticsService.ListenerWrapped w) {
        String skip = t.skipRate() == null ? "unknown" : String.format(Locale.ROOT, "%.0f %%", t.skipRate() * 100);
        String minutes = t.minutesLast7Days() == null ? "unknown" : count(Math.round(t.minutesLast7Days()));
        String peak = t.peakDayOfWeek() == null ? "unknown" : InsightCharts.dayName(t.peakDayOfWeek()) + " " + t.peakHourOfDay() + ":00 UTC";
        List<String> similar = t.similarUsers().stream().map(s -> s.userId() + String.format(Locale.ROOT, " (%.2f)", s.score())).toList();
        return new Views.TasteView(t.userId(), t.topGenres(), skip, minutes, peak, similar, w == null ? null : new Views.ListenerYear(w.year(),
                count(w.plays()), count(Math.round(w.minutes())), w.peakMonth() == null ? "none" : w.peakMonth().getMonth().getDisplayName(
                        java.time.format.TextStyle.FULL, Locale.ENGLISH), topItems(w.topTracks()), topItems(w.topGenres())));
    }

    private static List<String> topItems(List<AnalyticsService.TopItem> items) {
        return items.stream().map(i -> i.rank() + ". " + i.id() + " (" + count(i.plays()) + " plays)").toList();
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

}
