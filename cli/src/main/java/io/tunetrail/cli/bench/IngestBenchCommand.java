package io.tunetrail.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.cli.CliError;
import io.tunetrail.ingestion.kafka.KafkaTopics;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlatformConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tunetrail bench ingest}: events per second that {@code POST /api/v1/interactions} gets acknowledged by Kafka,
 * against Kafka's own producer benchmark ({@code org.apache.kafka.tools.ProducerPerformance}, in a JVM of its own) on
 * the same broker, with the same records (the API's encoding of the same events, as its payload file) and the same
 * producer settings as the API's publisher. The API's answer comes after Kafka acknowledged the batch, so both
 * figures count acknowledged records. Each measurement runs {@code --rounds} times, alternating; medians are reported.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"POST /api/v1/interactions batches -> Kafka vs Kafka's ProducerPerformance with the same records,",
            "producer settings and broker. Needs the local stack. Prints a table, then one JSON line",
            "(api_vs_producer_perf_events_ratio)."})
public final class IngestBenchCommand implements Callable<Integer> {
    private static final Pattern PERF_SUMMARY = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    @Option(names = "--events", defaultValue = "200000", description = "Events per measurement (default 200000).")
    int events;

    @Option(names = "--batch", defaultValue = "500", description = "Events per API request (1..1000, default 500).")
    int batch;

    @Option(names = "--connections", defaultValue = "8", description = "Concurrent API connections (default 8).")
    int connections;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of each measurement; medians are reported (default 3).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (events < 1000 || batch < 1 || batch > 1000 || connections < 1 || connections > 64 || rounds < 1) {
            throw CliError.usage("bad bench ingest options: need --events >= 1000, 1 <= --batch <= 1000, 1 <= --connections <= 64"
                    + " and --rounds >= 1", "see ./tunetrail bench ingest --help");
        }
        try (BenchApi api = BenchApi.open("bench-ingest")) {
            String perfTopic = api.orgId() + "-perf";
            KafkaTopics.ensure(api.config(), List.of(perfTopic));
            Path payloads = Files.createTempFile("tunetrail-bench-ingest", ".jsonl");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, api.config().kafkaBootstrap()))) {
                writePayloads(payloads, api.orgId());
                Javalin app = api.app();
                app.start("127.0.0.1", 0);
                try {
                    report(measure(app.port(), api.newKey(List.of("write")), api.config(), perfTopic, payloads));
                } finally {
                    app.stop();
                    admin.deleteTopics(List.of(perfTopic)).all().get(30, TimeUnit.SECONDS);
                }
            } finally {
                Files.deleteIfExists(payloads);
            }
        }
        return 0;
    }

    private record Figures(double[] api, double[] perf, double apiP50Ms, double apiP99Ms) {}

    private Figures measure(int port, String key, PlatformConfig config, String perfTopic, Path payloads) throws Exception {
        // Warm-up, not counted: the API's JIT and the producer's first metadata fetch.
        postAll(port, key, Math.min(events, 50_000), "warm");
        double[] api = new double[rounds];
        double[] perf = new double[rounds];
        long[] lastLatencies = new long[0];
        for (int r = 0; r < rounds; r++) {
            ApiRun a = postAll(port, key, events, "r" + r);
            api[r] = a.eventsPerSecond();
            lastLatencies = a.latenciesNanos();
            perf[r] = producerPerformance(config, perfTopic, payloads);
            System.out.printf(Locale.ROOT, "round %d: API %.0f events/s, ProducerPerformance %.0f records/s%n", r + 1, api[r], perf[r]);
        }
        HttpLoad.Result last = new HttpLoad.Result(lastLatencies.length, 0, 1, lastLatencies);
        return new Figures(api, perf, last.percentileMillis(50), last.percentileMillis(99));
    }

    private record ApiRun(double eventsPerSecond, long[] latenciesNanos) {}

    /** Posts {@code total} events in batches over the connections; every answer must be 202 with all events accepted. */
    private ApiRun postAll(int port, String key, int total, String tag) throws Exception {
        int requests = (total + batch - 1) / batch;
        AtomicLong next = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long[][] latencies = new long[connections][];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            final int id = c;
            Thread t = new Thread(() -> {
                long[] lat = new long[requests];
                int n = 0;
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                    long i;
                    while ((i = next.getAndIncrement()) < requests) {
                        int size = (int) Math.min(batch, total - i * batch);
                        byte[] request = post(key, body(tag + "-" + i, size));
                        long t0 = System.nanoTime();
                        out.write(request);
                        out.flush();
                        if (HttpLoad.readResponse(in) != 202) {
                            failures.incrementAndGet();
                        }
                        lat[n++] = System.nanoTime() - t0;
                    }
                } catch (IOException | RuntimeException e) {
                    failures.incrementAndGet();
                } finally {
                    latencies[id] = Arrays.copyOf(lat, n);
                }
            }, "ingest-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw CliError.failed("the ingest benchmark saw failed requests", failures.get() + " of " + requests + " requests were not 202",
                    "check the stack (./tunetrail stack status) and the API's log, and run it again");
        }
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new ApiRun(total / seconds, all);
    }

    /** Kafka's producer benchmark in a JVM of its own, with the API publisher's settings; its records/s. */
    private double producerPerformance(PlatformConfig config, String topic, Path payloads) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Integer.toString(events), "--throughput", "-1",
                "--payload-file", payloads.toString(), "--producer-props"));
        EventPublisher.producerSettings(config).forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw CliError.failed("Kafka's ProducerPerformance failed", lastLine(output), "run it again; its output is above");
        }
        Matcher last = null;
        Matcher m = PERF_SUMMARY.matcher(output);
        while (m.find()) {
            last = PERF_SUMMARY.matcher(m.group());
            last.find();
        }
        // Kafka 3.9's summary counts the records whose callback ran before it printed: the last one may be missing.
        if (last == null || Long.parseLong(last.group(1)) < events - 1) {
            throw CliError.failed("Kafka's ProducerPerformance printed no summary for " + events + " records", lastLine(output),
                    "run it again");
        }
        return Double.parseDouble(last.group(2));
    }

    /** A sample of the API's own encoding of the events the bench posts: ProducerPerformance sends these lines. */
    private void writePayloads(Path file, String orgId) throws IOException {
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String json = new String(codec.encode(codec.decode(event("payload-" + i, i, orgId).getBytes(StandardCharsets.UTF_8)).value()),
                    StandardCharsets.UTF_8);
            lines.append(json).append('\n');
        }
        Files.writeString(file, lines);
    }

    private static byte[] body(String prefix, int size) {
        StringBuilder b = new StringBuilder(size * 230).append("{\"events\":[");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ",").append(event(prefix + "-" + i, i, null));
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String clientEventId, int i, String orgId) {
        return "{" + (orgId == null ? "" : "\"org_id\":\"" + orgId + "\",") + "\"user_id\":\"listener-" + (i % 997)
                + "\",\"track_id\":\"tr-" + (i % 5003) + "\",\"event_type\":\"" + (i % 5 == 0 ? "skip" : "play")
                + "\",\"played_ms\":" + (30_000 + i % 200_000) + ",\"track_duration_ms\":240000,\"event_time\":\""
                + Instant.ofEpochSecond(1_790_000_000L + i) + "\",\"context\":{\"device\":\"mobile\",\"activity\":\"commute\"},"
                + "\"client_event_id\":\"" + clientEventId + "\"}";
    }

    private static byte[] post(String key, byte[] body) {
        String head = "POST /api/v1/interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private void report(Figures f) throws Exception {
        double api = median(f.api());
        double perf = median(f.perf());
        double ratio = api / perf;
        System.out.printf(Locale.ROOT, "%-44s %14s %14s%n", "medians of " + rounds + " rounds, " + events + " events each", "events/s", "spread");
        System.out.printf(Locale.ROOT, "%-44s %14.0f %14s%n", "API, " + connections + " connections x " + batch + " events", api, spread(f.api()));
        System.out.printf(Locale.ROOT, "%-44s %14.0f %14s%n", "Kafka ProducerPerformance (same records)", perf, spread(f.perf()));
        System.out.printf(Locale.ROOT, "ratio API / ProducerPerformance: %.3f; API request p50 %.1f ms, p99 %.1f ms (last round)%n",
                ratio, f.apiP50Ms(), f.apiP99Ms());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "ingest");
        json.put("events", events);
        json.put("batch", batch);
        json.put("connections", connections);
        json.put("rounds", rounds);
        json.put("api_events_per_s", Math.round(api));
        json.put("producer_perf_records_per_s", Math.round(perf));
        json.put("api_request_p50_ms", Math.round(f.apiP50Ms() * 100) / 100.0);
        json.put("api_request_p99_ms", Math.round(f.apiP99Ms() * 100) / 100.0);
        json.put("api_vs_producer_perf_events_ratio", Math.round(ratio * 1000) / 1000.0);
        System.out.println(new ObjectMapper().writeValueAsString(json));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String spread(double[] values) {
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        return String.format(Locale.ROOT, "%.0f..%.0f", min, max);
    }


    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
    }
}
