package io.tunetrail.cli.bench;

import io.javalin.Javalin;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.ServiceStatus;
import io.tunetrail.model.PlatformConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench api}: the cost of the API's checks. In one JVM and one run, the same load generator drives
 * a bare route that returns the daily mix's bytes from memory, then {@code GET /api/v1/ml/daily-mix} with every check
 * (API key, scope, plan feature, rate limit and quota in Redis, usage event to Kafka) and the recommendation read from
 * the online store. Then the daily mix again, paced at half the bare route's throughput, for its latency under a
 * load the server can carry. Redis round trips per request are counted on the client's connections. After one warm-up,
 * the four phases are measured {@code --runs} times (the machines are shared and noisy): the table and the JSON line
 * give medians, with the spread (min..max) of the throughputs and of the figures issue 16's goals name.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = {"Bare route vs GET /api/v1/ml/daily-mix with full checks, same load generator, same JVM;",
            "then the daily mix paced at half the bare route's throughput and at half its own.",
            "Each measured --runs times after one warm-up. Needs the local stack.",
            "Prints each run, a table of medians and spreads, then one JSON line (daily_mix_vs_bare_throughput_ratio)."})
public final class ApiBenchCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per phase (default 10).")
    double seconds;

    // 20 s, not a few: on 2 cores the JIT compilers were still taking a fifth of the CPU 8 s into the daily mix, and
    // its measured throughput nearly doubled with the longer warm-up (the bare route's code is far smaller).
    @Option(names = "--warmup", defaultValue = "20", description = "Warm-up seconds per route (default 20).")
    double warmup;

    @Option(names = "--connections", defaultValue = "8", description = "Concurrent keep-alive connections (default 8).")
    int connections;

    @Option(names = "--runs", defaultValue = "3", description = "Measurements of each phase after one warm-up; medians and spreads are reported (default 3).")
    int runs;

    /** The figures the goals of issue 16 are judged by: their spread over the runs goes in the JSON line too. */
    private static final List<String> GOAL_FIGURES = List.of("daily_mix_vs_bare_throughput_ratio", "bare_cpu_us_jvm", "daily_mix_cpu_us_jvm",
            "daily_mix_cpu_us_redis", "sustainable_p99_ms");

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw CliError.usage("--runs must be at least 1, not " + runs, "Give --runs 1 or more");
        }
        try (BenchApi api = BenchApi.open("bench")) {
            countingRedis = api.redis();
            Javalin app = api.app();
            byte[][] bare = new byte[1][];
            app.get("/bench/bare", ctx -> ctx.contentType("application/json").result(bare[0]));
            app.start("127.0.0.1", 0);
            try {
                List<Map<String, Double>> each = new ArrayList<>();
                HttpLoad load = new HttpLoad(app.port(), connections);
                byte[] checkedRequest = HttpLoad.request(DAILY_MIX_PATH, api.key());
                bare[0] = fetchBody(app.port(), checkedRequest);
                byte[] bareRequest = HttpLoad.request("/bench/bare", null);
                load.closedLoop(bareRequest, warmup);
                load.closedLoop(checkedRequest, warmup);
                CpuMeter cpu = new CpuMeter(processes(api.config()));
                for (int run = 1; run <= runs; run++) {
                    Map<String, Double> figures = figures(measure(load, bareRequest, checkedRequest, cpu));
                    System.out.printf(Locale.ROOT, "run %d of %d: ratio %.3f, CPU us per request: bare %s, daily-mix %s; sustainable p99 %.2f ms%n",
                            run, runs, figures.get("daily_mix_vs_bare_throughput_ratio"), cpuLine(figures, "bare_cpu_us_"),
                            cpuLine(figures, "daily_mix_cpu_us_"), figures.get("sustainable_p99_ms"));
                    each.add(figures);
                }
                report(each);
            } finally {
                app.stop();
            }
        }
        return 0;
    }

    private static final String DAILY_MIX_PATH = "/api/v1/ml/daily-mix?user_id=listener-1&limit=10";

    private record Figures(HttpLoad.Result bare, HttpLoad.Result checked, HttpLoad.Result paced, double pacedRate,
            HttpLoad.Result sustainable, double sustainableRate, double roundTrips, Map<String, Double> bareCpu,
            Map<String, Double> checkedCpu) {}

    /**
     * This JVM (the server and the load generator) and the local stack's Redis and Kafka broker, when they run here:
     * the daily mix's checks cost CPU in all three. PostgreSQL is not on the daily mix's path.
     */
    private static Map<String, ProcessHandle> processes(PlatformConfig config) {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        out.put("jvm", ProcessHandle.current());
        for (ServiceStatus s : new LocalStack(config, line -> {}).status()) {
            if (s.isRunning() && (s.service().equals("redis") || s.service().equals("kafka"))) {
                s.pid().stream().mapToObj(ProcessHandle::of).flatMap(java.util.Optional::stream).forEach(p -> out.put(s.service(), p));
            }
        }
        return out;
    }

    /** One measurement of the four phases, after the warm-up. */
    private Figures measure(HttpLoad load, byte[] bareRequest, byte[] checkedRequest, CpuMeter cpu) throws Exception {
        Map<String, Long> cpuStart = cpu.sample();
        HttpLoad.Result bareResult = load.closedLoop(bareRequest, seconds);
        Map<String, Long> cpuBetween = cpu.sample();
        long tripsBefore = redis().roundTrips();
        HttpLoad.Result checked = load.closedLoop(checkedRequest, seconds);
        double trips = (double) (redis().roundTrips() - tripsBefore) / Math.max(1, checked.requests());
        Map<String, Long> cpuEnd = cpu.sample();
        // At half of what the checked route itself carried (its latency under a load it can sustain), then at half the
        // bare route's throughput (the goal's load), in that order so an overload cannot spill into the first.
        double sustainableRate = checked.throughput() / 2;
        HttpLoad.Result sustainable = load.openLoop(checkedRequest, seconds, sustainableRate);
        double pacedRate = bareResult.throughput() / 2;
        HttpLoad.Result paced = load.openLoop(checkedRequest, seconds, pacedRate);
        if (checked.errors() > 0 || bareResult.errors() > 0 || paced.errors() > 0 || sustainable.errors() > 0) {
            throw CliError.failed("the benchmark saw failed requests", "bare " + bareResult.errors() + ", daily-mix " + checked.errors()
                    + ", paced " + paced.errors(), "Check the stack (./tunetrail stack status) and run it again");
        }
        return new Figures(bareResult, checked, paced, pacedRate, sustainable, sustainableRate, trips,
                CpuMeter.perRequest(cpuStart, cpuBetween, bareResult.requests()), CpuMeter.perRequest(cpuBetween, cpuEnd, checked.requests()));
    }

    private CountingRedis countingRedis;

    private CountingRedis redis() {
        return countingRedis;
    }

    private static byte[] fetchBody(int port, byte[] request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            int b;
            int contentLength = -1;
            StringBuilder line = new StringBuilder();
            int status = -1;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String l = line.toString().trim();
                    if (status < 0) {
                        status = Integer.parseInt(l.substring(9, 12));
                    } else if (l.isEmpty()) {
                        break;
                    } else if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(l.substring(15).trim());
                    }
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
            byte[] body = in.readNBytes(Math.max(0, contentLength));
            if (status != 200 || contentLength < 0) {
                throw CliError.failed("the daily mix did not answer 200 with a Content-Length", "status " + status + ": "
                        + new String(body, StandardCharsets.UTF_8), "Check the stack and the API's log");
            }
            return body;
        }
    }

    /** One measurement's figures under the names of the JSON line. */
    private static Map<String, Double> figures(Figures f) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("bare_rps", f.bare().throughput());
        out.put("bare_p50_ms", f.bare().percentileMillis(50));
        out.put("bare_p99_ms", f.bare().percentileMillis(99));
        out.put("daily_mix_rps", f.checked().throughput());
        out.put("daily_mix_p50_ms", f.checked().percentileMillis(50));
        out.put("daily_mix_p99_ms", f.checked().percentileMillis(99));
        out.put("paced_target_rps", f.pacedRate());
        out.put("paced_rps", f.paced().throughput());
        out.put("paced_p50_ms", f.paced().percentileMillis(50));
        out.put("paced_p99_ms", f.paced().percentileMillis(99));
        out.put("sustainable_target_rps", f.sustainableRate());
        out.put("sustainable_rps", f.sustainable().throughput());
        out.put("sustainable_p50_ms", f.sustainable().percentileMillis(50));
        out.put("sustainable_p99_ms", f.sustainable().percentileMillis(99));
        out.put("redis_round_trips_per_request", f.roundTrips());
        f.bareCpu().forEach((k, v) -> out.put("bare_cpu_us_" + k, v));
        f.checkedCpu().forEach((k, v) -> out.put("daily_mix_cpu_us_" + k, v));
        out.put("bare_vs_daily_mix_cpu_per_request_ratio", f.bareCpu().get("total") / f.checkedCpu().get("total"));
        out.put("daily_mix_vs_bare_throughput_ratio", f.checked().throughput() / f.bare().throughput());
        return out;
    }

    /** The median of every figure over the runs, and the spread (min..max) of the table's and the goals'. */
    private void report(List<Map<String, Double>> each) {
        Map<String, Double> median = new LinkedHashMap<>();
        each.get(0).keySet().forEach(k -> median.put(k, IngestBenchCommand.median(values(each, k))));
        System.out.printf(Locale.ROOT, "medians of %d runs (%d connections) %17s %14s %9s %9s%n", each.size(), connections, "requests/s", "spread",
                "p50 ms", "p99 ms");
        row(each, median, "bare route, bytes from memory", "bare");
        row(each, median, "daily-mix, all checks", "daily_mix");
        row(each, median, String.format(Locale.ROOT, "daily-mix paced at %.0f/s", median.get("paced_target_rps")), "paced");
        row(each, median, String.format(Locale.ROOT, "daily-mix paced at %.0f/s", median.get("sustainable_target_rps")), "sustainable");
        System.out.printf(Locale.ROOT, "throughput ratio daily-mix / bare: %.3f (%s); Redis round trips per daily-mix request: %.2f%n",
                median.get("daily_mix_vs_bare_throughput_ratio"), spread(each, "daily_mix_vs_bare_throughput_ratio", "%.3f"),
                median.get("redis_round_trips_per_request"));
        System.out.printf(Locale.ROOT, "CPU per request, us: bare %s, daily-mix %s; ratio bare / daily-mix %.3f%n",
                cpuLine(median, "bare_cpu_us_"), cpuLine(median, "daily_mix_cpu_us_"), median.get("bare_vs_daily_mix_cpu_per_request_ratio"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "api");
        json.put("connections", connections);
        json.put("seconds", seconds);
        json.put("runs", each.size());
        median.forEach((k, v) -> json.put(k, round(v)));
        for (String k : GOAL_FIGURES) {
            if (median.containsKey(k)) {
                json.put(k + "_min", round(Arrays.stream(values(each, k)).min().orElseThrow()));
                json.put(k + "_max", round(Arrays.stream(values(each, k)).max().orElseThrow()));
            }
        }
        StringBuilder line = new StringBuilder("{");
        json.forEach((k, v) -> line.append(line.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String s ? "\"" + s + "\"" : v));
        System.out.println(line.append('}'));
    }

    private static double[] values(List<Map<String, Double>> each, String key) {
        return each.stream().mapToDouble(m -> m.getOrDefault(key, Double.NaN)).toArray();
    }

    private static String spread(List<Map<String, Double>> each, String key, String format) {
        double[] v = values(each, key);
        return String.format(Locale.ROOT, format + ".." + format, Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow());
    }

    /** "a + b + c = total" of the figures named {@code prefix + process} (jvm, redis, kafka), e.g. "jvm 80.1 + redis 20.3 = 100.4". */
    private static String cpuLine(Map<String, Double> figures, String prefix) {
        List<String> parts = new ArrayList<>();
        figures.forEach((k, v) -> {
            if (k.startsWith(prefix) && !k.equals(prefix + "total")) {
                parts.add(String.format(Locale.ROOT, "%s %.1f", k.substring(prefix.length()), v));
            }
        });
        return String.join(" + ", parts) + String.format(Locale.ROOT, " = %.1f", figures.getOrDefault(prefix + "total", Double.NaN));
    }

    private static void row(List<Map<String, Double>> each, Map<String, Double> median, String name, String prefix) {
        System.out.printf(Locale.ROOT, "%-44s %12.0f %14s %9.2f %9.2f%n", name, median.get(prefix + "_rps"), spread(each, prefix + "_rps", "%.0f"),
                median.get(prefix + "_p50_ms"), median.get(prefix + "_p99_ms"));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
