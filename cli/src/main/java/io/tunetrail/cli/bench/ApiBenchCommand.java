package io.tunetrail.cli.bench;

import io.javalin.Javalin;
import io.tunetrail.cli.CliError;
import io.tunetrail.cli.stack.LocalStack;
import io.tunetrail.cli.stack.ServiceStatus;
import io.tunetrail.model.PlatformConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * load the server can carry. Redis round trips per request are counted on the client's connections.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = {"Bare route vs GET /api/v1/ml/daily-mix with full checks, same load generator, same JVM;",
            "then the daily mix paced at half the bare route's throughput and at half its own.",
            "Needs the local stack. Prints a table, then one JSON line (daily_mix_vs_bare_throughput_ratio)."})
public final class ApiBenchCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per phase (default 10).")
    double seconds;

    // 20 s, not a few: on 2 cores the JIT compilers were still taking a fifth of the CPU 8 s into the daily mix, and
    // its measured throughput nearly doubled with the longer warm-up (the bare route's code is far smaller).
    @Option(names = "--warmup", defaultValue = "20", description = "Warm-up seconds per route (default 20).")
    double warmup;

    @Option(names = "--connections", defaultValue = "8", description = "Concurrent keep-alive connections (default 8).")
    int connections;

    @Override
    public Integer call() throws Exception {
        try (BenchApi api = BenchApi.open("bench")) {
            countingRedis = api.redis();
            Javalin app = api.app();
            byte[][] bare = new byte[1][];
            app.get("/bench/bare", ctx -> ctx.contentType("application/json").result(bare[0]));
            app.start("127.0.0.1", 0);
            try {
                report(measure(app.port(), api.key(), bare, api.config()));
            } finally {
                app.stop();
            }
        }
        return 0;
    }

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

    private Figures measure(int port, String key, byte[][] bare, PlatformConfig config) throws Exception {
        String path = "/api/v1/ml/daily-mix?user_id=listener-1&limit=10";
        HttpLoad load = new HttpLoad(port, connections);
        byte[] checkedRequest = HttpLoad.request(path, key);
        bare[0] = fetchBody(port, checkedRequest);
        byte[] bareRequest = HttpLoad.request("/bench/bare", null);
        load.closedLoop(bareRequest, warmup);
        load.closedLoop(checkedRequest, warmup);
        CpuMeter cpu = new CpuMeter(processes(config));
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

    private void report(Figures f) {
        double ratio = f.checked().throughput() / f.bare().throughput();
        System.out.printf(Locale.ROOT, "%-34s %12s %9s %9s%n", "route (" + connections + " connections)", "requests/s", "p50 ms", "p99 ms");
        row("bare route, bytes from memory", f.bare());
        row("daily-mix, all checks", f.checked());
        row(String.format(Locale.ROOT, "daily-mix paced at %.0f/s", f.pacedRate()), f.paced());
        row(String.format(Locale.ROOT, "daily-mix paced at %.0f/s", f.sustainableRate()), f.sustainable());
        System.out.printf(Locale.ROOT, "throughput ratio daily-mix / bare: %.3f; Redis round trips per daily-mix request: %.2f%n",
                ratio, f.roundTrips());
        double cpuRatio = f.bareCpu().get("total") / f.checkedCpu().get("total");
        System.out.printf(Locale.ROOT, "CPU per request, us (%s): bare %s, daily-mix %s; ratio bare / daily-mix %.3f%n",
                cpuLine(f.checkedCpu(), true), cpuLine(f.bareCpu(), false), cpuLine(f.checkedCpu(), false), cpuRatio);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "api");
        json.put("connections", connections);
        json.put("seconds", seconds);
        json.put("bare_rps", round(f.bare().throughput()));
        json.put("bare_p50_ms", round(f.bare().percentileMillis(50)));
        json.put("bare_p99_ms", round(f.bare().percentileMillis(99)));
        json.put("daily_mix_rps", round(f.checked().throughput()));
        json.put("daily_mix_p50_ms", round(f.checked().percentileMillis(50)));
        json.put("daily_mix_p99_ms", round(f.checked().percentileMillis(99)));
        json.put("paced_target_rps", round(f.pacedRate()));
        json.put("paced_rps", round(f.paced().throughput()));
        json.put("paced_p50_ms", round(f.paced().percentileMillis(50)));
        json.put("paced_p99_ms", round(f.paced().percentileMillis(99)));
        json.put("sustainable_target_rps", round(f.sustainableRate()));
        json.put("sustainable_rps", round(f.sustainable().throughput()));
        json.put("sustainable_p50_ms", round(f.sustainable().percentileMillis(50)));
        json.put("sustainable_p99_ms", round(f.sustainable().percentileMillis(99)));
        json.put("redis_round_trips_per_request", round(f.roundTrips()));
        f.bareCpu().forEach((k, v) -> json.put("bare_cpu_us_" + k, round(v)));
        f.checkedCpu().forEach((k, v) -> json.put("daily_mix_cpu_us_" + k, round(v)));
        json.put("bare_vs_daily_mix_cpu_per_request_ratio", round(cpuRatio));
        json.put("daily_mix_vs_bare_throughput_ratio", round(ratio));
        StringBuilder line = new StringBuilder("{");
        json.forEach((k, v) -> line.append(line.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String s ? "\"" + s + "\"" : v));
        System.out.println(line.append('}'));
    }

    /** "a + b + c = total" of a {@link CpuMeter#perRequest} map: its process names, or its figures. */
    private static String cpuLine(Map<String, Double> cpu, boolean names) {
        List<String> parts = new ArrayList<>();
        cpu.forEach((k, v) -> {
            if (!k.equals("total")) {
                parts.add(names ? k : String.format(Locale.ROOT, "%.1f", v));
            }
        });
        return String.join(" + ", parts) + " = " + (names ? "total" : String.format(Locale.ROOT, "%.1f", cpu.get("total")));
    }

    private static void row(String name, HttpLoad.Result r) {
        System.out.printf(Locale.ROOT, "%-34s %12.0f %9.2f %9.2f%n", name, r.throughput(), r.percentileMillis(50), r.percentileMillis(99));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
