package io.tunetrail.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tunetrail.api.http.ApiException;
import io.tunetrail.api.limits.Gate;
import io.tunetrail.api.service.UsageAnalyticsService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The usage page: the API's usage analytics ({@link UsageAnalyticsService}, the service behind
 * {@code GET /api/v1/analytics/usage}) grouped by route, key, member, team or resource over a chosen range, as a table,
 * as a chart that {@code usage.js} draws from {@link #JSON}, and as a CSV download.
 */
final class UsageController {
    static final String PATH = ConsoleHttp.BASE + "/usage";
    static final String CSV_PATH = ConsoleHttp.BASE + "/usage.csv";
    static final String JSON = ConsoleHttp.BASE + "/api/usage-analytics";
    private static final List<String> GROUP_BYS = List.of("route", "key", "member", "team", "resource");
    private static final List<String> GRANULARITIES = List.of("day", "hour", "month");
    /** The page's table stops here; the CSV holds every row. */
    private static final int TABLE_ROWS = 500;
    /** Lines on the chart; the smaller groups are summed as one line, so it stays readable. */
    private static final int CHART_SERIES = 8;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** For file names: digits, letters and '-' only, whatever the range. */
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final UsageAnalyticsService usage;
    private final UsageLabels labels;
    private final Clock clock;
    private final ConsoleHttp http;

    UsageController(UsageAnalyticsService usage, UsageLabels labels, Clock clock, ConsoleHttp http) {
        this.usage = usage;
        this.labels = labels;
        this.clock = clock;
        this.http = http;
    }

    /** {@code gate}: the gate of the API's {@code GET /api/v1/analytics/usage}, shared by the page, its chart data and the export. */
    void install(Javalin app, PageGuard guard, Gate gate) {
        app.get(PATH, guard.page(gate, "The usage page", this::page));
        app.get(CSV_PATH, guard.page(gate, "The usage export", this::csv));
        app.get(JSON, guard.page(gate, "The usage chart", this::json));
    }

    private static Views.UsageForm form(Context ctx) {
        return new Views.UsageForm(param(ctx, "group_by", "route"), param(ctx, "granularity", "day"), param(ctx, "from", ""), param(ctx, "to", ""));
    }

    private UsageAnalyticsService.Report report(Member m, Views.UsageForm f) {
        UsageAnalyticsService.Query q = UsageAnalyticsService.Query.parse(f.groupBy(), f.granularity(), f.from(), f.to(), clock.instant());
        return usage.usage(m.principal(), null, q);
    }

    private void page(Context ctx, Member m) {
        Views.UsageForm f = form(ctx);
        UsageAnalyticsService.Report r;
        try {
            r = report(m, f);
        } catch (ApiException e) {
            if (e.field() == null) {
                throw e;
            }
            http.render(ctx, 400, "usage.jte", new Views.Usage(frame(m), f, GROUP_BYS, GRANULARITIES, null, null, null, List.of(), List.of(), null,
                    Map.of(e.field(), e.detail())));
            return;
        }
        Map<String, String> names = labels.of(m, r.groupBy());
        List<Views.UsageTotal> totals = r.totals().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> {
                    String group = "null".equals(e.getKey()) ? null : e.getKey();
                    return new Views.UsageTotal(group == null ? "" : group, labels.label(names, r.groupBy(), group), count(e.getValue()));
                }).toList();
        List<Views.UsageCell> rows = r.rows().stream().limit(TABLE_ROWS).map(row -> new Views.UsageCell(WHEN.format(row.periodStart()),
                Objects.requireNonNullElse(row.group(), ""), labels.label(names, r.groupBy(), row.group()), count(row.value()))).toList();
        String query = "group_by=" + f.groupBy() + "&granularity=" + f.granularity() + "&from=" + r.from() + "&to=" + r.to();
        http.render(ctx, 200, "usage.jte", new Views.Usage(frame(m), f, GROUP_BYS, GRANULARITIES, WHEN.format(r.from()) + " to " + WHEN.format(r.to()),
                r.measure(), r.dataFrom().equals(r.from()) ? null : WHEN.format(r.dataFrom()), totals, rows, query, Map.of()));
    }

    /** One line per series over every period of the answer, for uPlot: the largest groups, then the rest as "other". */
    private void json(Context ctx, Member m) {
        UsageAnalyticsService.Report r = report(m, form(ctx));
        Map<String, String> names = labels.of(m, r.groupBy());
        TreeSet<Instant> periods = new TreeSet<>();
        r.rows().forEach(row -> periods.add(row.periodStart()));
        List<Instant> xs = List.copyOf(periods);
        List<String> ranked = r.totals().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).map(Map.Entry::getKey).toList();
        Map<String, long[]> series = new LinkedHashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            series.put(i < CHART_SERIES || ranked.size() == CHART_SERIES + 1 ? ranked.get(i) : "\u0000other", new long[xs.size()]);
        }
        for (UsageAnalyticsService.Row row : r.rows()) {
            String key = String.valueOf(row.group());
            long[] values = series.containsKey(key) ? series.get(key) : series.get("\u0000other");
            values[xs.indexOf(row.periodStart())] += row.value();
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        series.forEach((group, values) -> {
            String label = group.equals("\u0000other") ? "other" : labels.label(names, r.groupBy(), "null".equals(group) ? null : group);
            lines.add(Map.of("label", label, "values", values));
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("measure", r.measure());
        body.put("periods", xs.stream().map(Instant::getEpochSecond).toList());
        // The chosen range, so a range with one busy day is drawn over the whole range, not stretched around that day.
        body.put("from", r.from().getEpochSecond());
        body.put("to", r.to().getEpochSecond());
        body.put("series", lines);
        ctx.json(body);
    }

    private void csv(Context ctx, Member m) {
        UsageAnalyticsService.Report r = report(m, form(ctx));
        Map<String, String> names = labels.of(m, r.groupBy());
        StringBuilder out = new StringBuilder();
        Csv.line(out, List.of("period_start", r.groupBy(), "label", r.measure()));
        for (UsageAnalyticsService.Row row : r.rows()) {
            Csv.line(out, List.of(row.periodStart().toString(), Objects.requireNonNullElse(row.group(), ""), labels.label(names, r.groupBy(), row.group()),
                    Long.toString(row.value())));
        }
        // The name is made of validated parts only (the group and granularity are from fixed lists, the times formatted
        // here), so no header injection or path can come from the request.
        String file = "tunetrail-usage-" + r.groupBy() + "-" + r.granularity() + "-" + FILE_TIME.format(r.from()) + "-" + FILE_TIME.format(r.to()) + ".csv";
        ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        ctx.contentType("text/csv; charset=utf-8").result(out.toString());
    }

    private static Views.Frame frame(Member m) {
        return m.frame("Usage", "usage");
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
