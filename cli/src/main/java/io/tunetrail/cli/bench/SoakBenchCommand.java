package io.tunetrail.cli.bench;

import io.javalin.Javalin;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.CliError;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench soak}: the API under mixed traffic for N minutes at half the rate it sustains, to see what
 * only time shows (leaks, creeping latency, errors under steady load). The same set-up as {@code bench api}
 * ({@link BenchApi}), an in-process server on loopback; the mix reads Redis (daily mix, usage), PostgreSQL (track search, genres) and touches neither (health).
 *
 * <p>First a closed loop measures the mix's sustainable throughput (the baseline); then each minute runs an open loop
 * at half of it and ends with a full GC and the used heap after it. Passes with 0 errors and the last minute's heap
 * within 10% of the second's ({@link SoakVerdict}).
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Mixed API traffic for N minutes at half the measured sustainable rate, in-process, on loopback.",
            "Reports errors, p50/p99 and heap after GC per minute; passes with 0 errors and a flat heap",
            "(last minute within 10% of the second). Needs the local stack. Last line: JSON (heap_last_over_second_minute_ratio)."})
public final class SoakBenchCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Minutes of paced traffic (default 10, at least 2).")
    int minutes;

    @Option(names = "--warmup", defaultValue = "20", description = "Warm-up seconds before the rate is measured (default 20).")
    double warmup;

    @Option(names = "--measure", defaultValue = "10", description = "Seconds of the closed loop that measures the sustainable rate (default 10).")
    double measure;

    @Option(names = "--connections", defaultValue = "8", description = "Concurrent keep-alive connections (default 8).")
    int connections;

    @Override
    public Integer call() throws Exception {
        if (minutes < 2) {
            throw CliError.usage("--minutes is " + minutes, "Pass --minutes 2 or more: the soak compares the last minute's heap with the second's");
        }
        try (BenchApi api = BenchApi.open("soak")) {
            seedCatalog(api.sql(), api.orgId());
            Javalin app = api.app();
            app.start("127.0.0.1", 0);
            try {
                return report(soak(app.port(), api.key()));
            } finally {
                app.stop();
            }
        }
    }

    /** The mix: two Redis reads, two PostgreSQL reads, one route that needs neither. */
    static byte[][] mix(String key) {
        return new byte[][] {
            HttpLoad.request("/api/v1/ml/daily-mix?user_id=listener-1&limit=10", key),
            HttpLoad.request("/api/v1/tracks?q=track&limit=20", key),
            HttpLoad.request("/api/v1/usage", key),
            HttpLoad.request("/api/v1/genres", key),
            HttpLoad.request("/health", null)};
    }

    private record Figures(double sustainableRps, double targetRps, List<SoakVerdict.Minute> minutes, List<Double> achievedRps) {}

    private Figures soak(int port, String key) throws Exception {
        byte[][] mix = mix(key);
        HttpLoad load = new HttpLoad(port, connections);
        load.closedLoop(mix, warmup);
        HttpLoad.Result baseline = load.closedLoop(mix, measure);
        if (baseline.errors() > 0) {
            throw CliError.failed("the mix failed while its rate was measured", baseline.errors() + " failed requests",
                    "Check the stack (./tunetrail stack status) and run it again");
        }
        double target = baseline.throughput() / 2;
        System.out.printf(Locale.ROOT, "sustainable (closed loop, %d connections): %.0f requests/s; soaking at %.0f/s for %d minutes%n",
                connections, baseline.throughput(), target, minutes);
        System.out.printf(Locale.ROOT, "%-7s %10s %7s %9s %9s %16s%n", "minute", "requests", "errors", "p50 ms", "p99 ms", "heap after GC MB");
        List<SoakVerdict.Minute> out = new ArrayList<>();
        List<Double> achieved = new ArrayList<>();
        for (int m = 1; m <= minutes; m++) {
            HttpLoad.Result r = load.openLoop(mix, 60, target);
            // Only the summary is kept: the latencies would be heap the next measurement counts.
            SoakVerdict.Minute minute = new SoakVerdict.Minute(r.requests(), r.errors(), r.percentileMillis(50), r.percentileMillis(99),
                    heapAfterGc());
            achieved.add(r.throughput());
            out.add(minute);
            System.out.printf(Locale.ROOT, "%-7d %10d %7d %9.2f %9.2f %16.1f%n", m, minute.requests(), minute.errors(), minute.p50Millis(),
                    minute.p99Millis(), minute.heapAfterGcBytes() / 1048576.0);
        }
        return new Figures(baseline.throughput(), target, out, achieved);
    }

    /** Used heap after a full collection (this JVM holds the server and the load generator). */
    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** 500 tracks for the search to find and page through. */
    private static void seedCatalog(Sql sql, String orgId) {
        sql.update("seeding the soak's catalog", "INSERT INTO tracks (org_id, track_id, title, duration_ms, popularity) "
                + "SELECT ?, 'track-' || g, 'Track ' || g, 180000, g % 101 FROM generate_series(0, 499) g", ps -> ps.setString(1, orgId));
    }

    private int report(Figures f) {
        SoakVerdict v = SoakVerdict.of(f.minutes());
        double achievedLast = f.achievedRps().get(f.achievedRps().size() - 1);
        System.out.printf(Locale.ROOT, "errors %d; heap last/second minute %.3f (limit %.2f); p99 last/second minute %.3f: %s%n",
                v.errors(), v.heapLastOverSecondRatio(), 1 + SoakVerdict.HEAP_TOLERANCE, v.p99LastOverSecondRatio(), v.pass() ? "PASS" : "FAIL");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "soak");
        json.put("minutes", minutes);
        json.put("connections", connections);
        json.put("sustainable_rps", round(f.sustainableRps()));
        json.put("target_rps", round(f.targetRps()));
        json.put("requests", f.minutes().stream().mapToLong(SoakVerdict.Minute::requests).sum());
        json.put("errors", v.errors());
        json.put("p99_ms_by_minute", f.minutes().stream().map(m -> Double.toString(round(m.p99Millis()))).toList());
        json.put("heap_mb_by_minute", f.minutes().stream().map(m -> Double.toString(round(m.heapAfterGcBytes() / 1048576.0))).toList());
        json.put("achieved_over_target_rps_ratio", round(achievedLast / f.targetRps()));
        json.put("p99_last_over_second_minute_ratio", round(v.p99LastOverSecondRatio()));
        json.put("heap_last_over_second_minute_ratio", round(v.heapLastOverSecondRatio()));
        json.put("pass", v.pass());
        StringBuilder line = new StringBuilder("{");
        json.forEach((k, val) -> line.append(line.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(val instanceof String s ? "\"" + s + "\"" : val instanceof List<?> l ? "[" + String.join(",", l.stream().map(String::valueOf).toList()) + "]" : val));
        System.out.println(line.append('}'));
        return v.pass() ? 0 : 1;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
