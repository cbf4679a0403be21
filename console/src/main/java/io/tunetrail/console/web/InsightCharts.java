package io.tunetrail.console.web;

import io.tunetrail.api.service.AnalyticsService;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The insights page's charts as SVG shapes ({@link Views.Svg}), laid out here so the page needs no script: heat maps
 * of genre pairs and of weekday × hour, confidence intervals of context effects, plays per month.
 */
final class InsightCharts {
    /** Genres on the heat map's axes at most: beyond this the cells are too small to read. */
    private static final int MAX_GENRES = 12;
    private static final int CELL = 30;
    private static final int HOUR_CELL = 28;
    private static final int LEFT = 120;
    private static final int TOP = 24;

    private InsightCharts() {}

    /** Genres × genres coloured by NPMI (-1 never together, 0 independent, 1 always together); the genres of the strongest pairs. */
    static Views.Svg genreHeatMap(List<AnalyticsService.GenrePair> pairs) {
        List<String> genres = new ArrayList<>();
        Map<String, AnalyticsService.GenrePair> byPair = new LinkedHashMap<>();
        for (AnalyticsService.GenrePair p : pairs) {
            for (String g : List.of(p.genreA(), p.genreB())) {
                if (!genres.contains(g) && genres.size() < MAX_GENRES) {
                    genres.add(g);
                }
            }
            byPair.put(p.genreA() + "\u0000" + p.genreB(), p);
            byPair.put(p.genreB() + "\u0000" + p.genreA(), p);
        }
        if (genres.isEmpty()) {
            return null;
        }
        List<Views.SvgRect> rects = new ArrayList<>();
        List<Views.SvgText> texts = new ArrayList<>();
        for (int r = 0; r < genres.size(); r++) {
            texts.add(new Views.SvgText(LEFT - 6, TOP + r * CELL + CELL / 2.0 + 4, genres.get(r), "end"));
            texts.add(new Views.SvgText(LEFT + r * CELL + CELL / 2.0, TOP - 8, genres.get(r), "middle"));
            for (int c = 0; c < genres.size(); c++) {
                AnalyticsService.GenrePair p = byPair.get(genres.get(r) + "\u0000" + genres.get(c));
                String title = genres.get(r) + " × " + genres.get(c) + (p == null ? ": no data"
                        : String.format(Locale.ROOT, ": NPMI %.2f, lift %.2f, together %d times", p.npmi(), p.lift(), p.countAb()));
                rects.add(new Views.SvgRect(LEFT + c * CELL, TOP + r * CELL, CELL - 1, CELL - 1, p == null ? "#edf2f7" : diverging(p.npmi()), title));
            }
        }
        int size = genres.size() * CELL;
        return new Views.Svg("genre-heatmap", LEFT + size + 10, TOP + size + 10, "Genres listened together (NPMI: blue together, red apart)",
                rects, List.of(), texts);
    }

    /** Weekday (Monday first, ISO) × hour of day (UTC), coloured by plays relative to the busiest hour. */
    static Views.Svg weekHeatMap(List<AnalyticsService.Cell> cells) {
        if (cells.isEmpty()) {
            return null;
        }
        long max = cells.stream().mapToLong(AnalyticsService.Cell::plays).max().orElse(1);
        List<Views.SvgRect> rects = new ArrayList<>();
        List<Views.SvgText> texts = new ArrayList<>();
        int left = 50;
        for (int day = 1; day <= 7; day++) {
            texts.add(new Views.SvgText(left - 6, TOP + (day - 1) * HOUR_CELL + HOUR_CELL / 2.0 + 4, dayName(day), "end"));
        }
        for (int hour = 0; hour < 24; hour += 3) {
            texts.add(new Views.SvgText(left + hour * HOUR_CELL + HOUR_CELL / 2.0, TOP - 8, hour + ":00", "middle"));
        }
        // The job writes no row for an hour without plays: every hour is drawn, those as empty.
        AnalyticsService.Cell[][] grid = new AnalyticsService.Cell[8][24];
        cells.forEach(c -> grid[c.dayOfWeek()][c.hourOfDay()] = c);
        for (int day = 1; day <= 7; day++) {
            for (int hour = 0; hour < 24; hour++) {
                AnalyticsService.Cell c = grid[day][hour];
                long plays = c == null ? 0 : c.plays();
                rects.add(new Views.SvgRect(left + hour * HOUR_CELL, TOP + (day - 1) * HOUR_CELL, HOUR_CELL - 1, HOUR_CELL - 1,
                        sequential(max == 0 ? 0 : (double) plays / max), String.format(Locale.ROOT, "%s %d:00 UTC: %,d plays, %.0f minutes",
                                dayName(day), hour, plays, c == null ? 0 : c.minutes())));
            }
        }
        return new Views.Svg("week-heatmap", left + 24 * HOUR_CELL + 10, TOP + 7 * HOUR_CELL + 10, "Plays by weekday and hour (UTC)", rects,
                List.of(), texts);
    }

    /** One row per activity and audio feature: the effect size as a dot on its 95% confidence interval, around zero. */
    static Views.Svg contextIntervals(List<AnalyticsService.ContextEffect> effects) {
        double lo = Math.min(0, effects.stream().mapToDouble(AnalyticsService.ContextEffect::ciLow).min().orElse(0));
        double hi = Math.max(0, effects.stream().mapToDouble(AnalyticsService.ContextEffect::ciHigh).max().orElse(0));
        double span = hi - lo == 0 ? 1 : hi - lo;
        int left = 220;
        int width = 480;
        int row = 22;
        List<Views.SvgRect> rects = new ArrayList<>();
        List<Views.SvgLine> lines = new ArrayList<>();
        List<Views.SvgText> texts = new ArrayList<>();
        double zero = left + (0 - lo) / span * width;
        int height = TOP + effects.size() * row;
        lines.add(new Views.SvgLine(zero, TOP - 6, zero, height, "#a0aec0"));
        texts.add(new Views.SvgText(zero, TOP - 10, "0", "middle"));
        for (int i = 0; i < effects.size(); i++) {
            AnalyticsService.ContextEffect e = effects.get(i);
            double y = TOP + i * row + row / 2.0;
            double x0 = left + (e.ciLow() - lo) / span * width;
            double x1 = left + (e.ciHigh() - lo) / span * width;
            double x = left + (e.effectSize() - lo) / span * width;
            texts.add(new Views.SvgText(left - 8, y + 4, e.activity() + " · " + e.feature(), "end"));
            lines.add(new Views.SvgLine(x0, y, x1, y, "#2b6cb0"));
            rects.add(new Views.SvgRect(x - 4, y - 4, 8, 8, "#2b6cb0", String.format(Locale.ROOT,
                    "%s, %s: effect %.2f (95%% CI %.2f to %.2f; %d plays with the activity, %d without)", e.activity(), e.feature(),
                    e.effectSize(), e.ciLow(), e.ciHigh(), e.nActivity(), e.nOther())));
        }
        return new Views.Svg("context-intervals", left + width + 20, height + 10, "Effect of activities on audio features, with 95% CIs", rects,
                lines, texts);
    }

    /** Plays per month of the Wrapped year, as bars. */
    static Views.Svg months(List<AnalyticsService.Month> months) {
        long max = Math.max(1, months.stream().mapToLong(AnalyticsService.Month::plays).max().orElse(1));
        int bar = 40;
        int height = 160;
        List<Views.SvgRect> rects = new ArrayList<>();
        List<Views.SvgText> texts = new ArrayList<>();
        for (int i = 0; i < months.size(); i++) {
            AnalyticsService.Month m = months.get(i);
            double h = (double) m.plays() / max * height;
            String name = m.month().getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            rects.add(new Views.SvgRect(10 + i * bar, 10 + height - h, bar - 6, Math.max(1, h), "#2b6cb0",
                    String.format(Locale.ROOT, "%s: %,d plays, %,d listeners", name, m.plays(), m.listeners())));
            texts.add(new Views.SvgText(10 + i * bar + (bar - 6) / 2.0, height + 26, name, "middle"));
        }
        return new Views.Svg("wrapped-months", 20 + months.size() * bar, height + 36, "Plays per month", rects, List.of(), texts);
    }

    static String dayName(int isoDay) {
        return DayOfWeek.of(isoDay).getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }

    /** White to dark blue as {@code share} goes from 0 to 1. */
    private static String sequential(double share) {
        double s = Math.max(0, Math.min(1, share));
        return rgb(255 - s * (255 - 43), 255 - s * (255 - 108), 255 - s * (255 - 176));
    }

    /** Red below zero, white at zero, blue above, for values in [-1, 1]. */
    private static String diverging(double v) {
        double s = Math.max(-1, Math.min(1, v));
        return s >= 0 ? sequential(s) : rgb(255 - -s * (255 - 197), 255 - -s * (255 - 48), 255 - -s * (255 - 48));
    }

    private static String rgb(double r, double g, double b) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(r), Math.round(g), Math.round(b));
    }
}
