package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.tunetrail.api.ApiSettings;
import io.tunetrail.api.ApiStores;
import io.tunetrail.api.ServingApp;
import io.tunetrail.api.auth.ApiKeyStore;
import io.tunetrail.api.store.OrgStore;
import io.tunetrail.api.store.Sql;
import io.tunetrail.cli.jobs.JobLauncher;
import io.tunetrail.model.DeadLetter;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario 7 of issue 11: fuzzed interaction events ({@link EventFuzzer}) through the ingestion API and straight into
 * Kafka. Every API request must be accepted (202) or refused with a problem document naming a {@code code}, never a
 * 5xx or a bare error; every record in Kafka must come out of the streaming job accepted or as a dead letter with its
 * reason. The counts must add up on each path.
 */
public final class FuzzedEventsScenario implements ChaosScenario {
    private static final int CLIENTS = 4;

    private final Path root;
    private final int perPath;

    public FuzzedEventsScenario() {
        this(null, 10_000);
    }

    /** @param root the repository whose job jars to run (null: {@code TUNETRAIL_ROOT}); {@code perPath} events per path */
    public FuzzedEventsScenario(Path root, int perPath) {
        this.root = root;
        this.perPath = perPath;
    }

    @Override
    public String name() {
        return "fuzzed-events";
    }

    @Override
    public String description() {
        return String.format("%,d fuzzed events through the API and %,d straight into Kafka: each accepted or refused with a reason", perPath, perPath);
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        Path repository = ChaosWorld.repository(root);
        try (ChaosWorld world = ChaosWorld.create(config, name(), Map.of())) {
            PlatformConfig c = world.config();
            ApiPath api = throughTheApi(world, progress);
            progress.accept(api.summary());

            String org = world.unique("kafka");
            EventFuzzer fuzzer = new EventFuzzer(7, org, world.unique("k"));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(perPath);
            long validSent = 0;
            for (int i = 0; i < perPath; i++) {
                EventFuzzer.Fuzzed f = fuzzer.next();
                validSent += f.kind().equals("valid") ? 1 : 0;
                records.add(ChaosWorld.record(c.get(PlatformConfig.TOPIC_INTERACTIONS), org, f.body()));
            }
            world.send(records, null);
            long inTopic = api.acceptedEvents + perPath;
            progress.accept(String.format("sent %,d fuzzed records straight to %s; running session-features over all %,d",
                    perPath, c.get(PlatformConfig.TOPIC_INTERACTIONS), inTopic));
            JobLauncher.JobRun run = new JobLauncher(c, repository).run(JobLauncher.Engine.FLINK,
                    List.of("--job", "session-features", "--until-idle"), line -> progress.accept("  | " + line));
            if (!run.ok() || run.result() == null) {
                return new Outcome(false, "the streaming job failed on fuzzed input (exit " + run.exitCode() + ")", String.join(" | ", run.tail()));
            }
            JsonNode counters = run.result().path("session_features");
            long read = counters.path("records_read").asLong();
            long accepted = counters.path("accepted").asLong();
            long refused = counters.path("malformed_json").asLong() + counters.path("schema_violation").asLong()
                    + counters.path("future_event").asLong() + counters.path("late_event").asLong() + counters.path("other_rejected").asLong();
            long letters = 0;
            long withoutReason = 0;
            for (ConsumerRecord<byte[], byte[]> r : world.readCommitted(c.get(PlatformConfig.TOPIC_DEAD_LETTER))) {
                if ("session-features".equals(header(r, DeadLetter.HEADER_STAGE))) {
                    letters++;
                    if (header(r, DeadLetter.HEADER_REASON_CODE).isBlank() || header(r, DeadLetter.HEADER_REASON).isBlank()) {
                        withoutReason++;
                    }
                }
            }
            List<String> wrong = new ArrayList<>(api.wrong());
            if (read != inTopic) {
                wrong.add("the job read " + read + " records of " + inTopic);
            }
            if (accepted + refused != read) {
                wrong.add("accepted " + accepted + " + refused " + refused + " != read " + read);
            }
            // The API takes events it cannot judge yet (a timestamp far in the past or future is the stream's to refuse),
            // so only the well-formed ones must come out accepted.
            if (accepted < api.acceptedValid + validSent) {
                wrong.add("the job accepted " + accepted + ", fewer than the " + (api.acceptedValid + validSent) + " well-formed events");
            }
            if (letters != refused) {
                wrong.add(letters + " dead letters for " + refused + " refused");
            }
            if (withoutReason > 0) {
                wrong.add(withoutReason + " dead letters without a reason");
            }
            String measured = String.format("%s; Kafka: %,d records read = %,d accepted + %,d dead-lettered (%,d letters, all with a reason:"
                    + " malformed %,d, schema %,d, future %,d, late %,d)%s", api.summary(), read, accepted, refused, letters,
                    counters.path("malformed_json").asLong(), counters.path("schema_violation").asLong(), counters.path("future_event").asLong(),
                    counters.path("late_event").asLong(), wrong.isEmpty() ? "" : "; WRONG: " + String.join("; ", wrong));
            return new Outcome(wrong.isEmpty(), "the API refused bad events with 4xx problem+json naming a code; the streaming job"
                    + " dead-lettered bad records with their reason and kept running", measured);
        }
    }

    /** What the API path measured. */
    private record ApiPath(int sent, int valid, long accepted, long acceptedValid, long acceptedEvents, Map<String, Long> refusedByCode,
            Map<String, Long> acceptedByKind, List<String> crashes) {
        long refused() {
            return refusedByCode.values().stream().mapToLong(Long::longValue).sum();
        }

        List<String> wrong() {
            List<String> out = new ArrayList<>();
            if (!crashes.isEmpty()) {
                out.add(crashes.size() + " API answers were neither 202 nor a 4xx problem with a code, e.g. "
                        + String.join(" / ", crashes.subList(0, Math.min(3, crashes.size()))));
            }
            if (acceptedValid != valid) {
                out.add("API: " + (valid - acceptedValid) + " of " + valid + " well-formed events were not accepted");
            }
            return out;
        }

        String summary() {
            return String.format("API: %,d sent = %,d accepted (%,d of %,d well-formed; by kind %s) + %,d refused %s + %d bad answers", sent,
                    accepted, acceptedValid, valid, acceptedByKind, refused(), refusedByCode, crashes.size());
        }
    }

    private ApiPath throughTheApi(ChaosWorld world, Consumer<String> progress) throws Exception {
        PlatformConfig c = world.config();
        try (ApiStores stores = ApiStores.open(c)) {
            String org = world.unique("api");
            // Community: no quotas and no rate limit, so every answer is about the event, never about the pace.
            new OrgStore(new Sql(stores.dataSource())).create(org, "Chaos fuzz", "community", "community");
            String key = new ApiKeyStore(new Sql(stores.dataSource())).create(org, null, "fuzz", List.of("write"), null).secret();
            Javalin app = ServingApp.create(stores, Clock.systemUTC(), ApiSettings.from(c, PlanCatalog.load()));
            app.start("127.0.0.1", 0);
            try {
                URI uri = URI.create("http://127.0.0.1:" + app.port() + "/api/v1/interactions");
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                EventFuzzer fuzzer = new EventFuzzer(11, null, world.unique("a"));
                AtomicLong accepted = new AtomicLong();
                AtomicLong acceptedValid = new AtomicLong();
                AtomicLong acceptedEvents = new AtomicLong();
                int valid = 0;
                Map<String, Long> refused = new ConcurrentHashMap<>();
                Map<String, Long> acceptedByKind = new ConcurrentHashMap<>();
                List<String> crashes = Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                try {
                    List<Future<?>> sent = new ArrayList<>();
                    for (int i = 0; i < perPath; i++) {
                        EventFuzzer.Fuzzed f = fuzzer.next();
                        valid += f.kind().equals("valid") ? 1 : 0;
                        sent.add(pool.submit(() -> {
                            HttpResponse<byte[]> r;
                            try {
                                r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(f.body())).build(), HttpResponse.BodyHandlers.ofByteArray());
                            } catch (Exception e) {
                                crashes.add(f.kind() + ": " + e);
                                return;
                            }
                            if (classify(f, r, accepted, acceptedEvents, refused, crashes)) {
                                acceptedByKind.merge(f.kind(), 1L, Long::sum);
                                if (f.kind().equals("valid")) {
                                    acceptedValid.incrementAndGet();
                                }
                            }
                        }));
                    }
                    for (Future<?> f : sent) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                return new ApiPath(perPath, valid, accepted.get(), acceptedValid.get(), acceptedEvents.get(), new TreeMap<>(refused),
                        new TreeMap<>(acceptedByKind), List.copyOf(crashes));
            } finally {
                app.stop();
            }
        }
    }

    /** Counts one answer; true when it accepted the event. */
    private static boolean classify(EventFuzzer.Fuzzed f, HttpResponse<byte[]> r, AtomicLong accepted, AtomicLong acceptedEvents,
            Map<String, Long> refused, List<String> crashes) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode body;
        try {
            body = EventCodec.mapper().readTree(r.body());
        } catch (Exception e) {
            body = null;
        }
        if (r.statusCode() == 202 && body != null && body.has("accepted")) {
            accepted.incrementAndGet();
            acceptedEvents.addAndGet(body.path("accepted").asLong());
            return true;
        } else if (r.statusCode() >= 400 && r.statusCode() < 500 && type.startsWith("application/problem+json") && body != null
                && !body.path("code").asText("").isEmpty()) {
            refused.merge(body.path("code").asText(), 1L, Long::sum);
        } else {
            crashes.add(f.kind() + " -> " + r.statusCode() + " " + type + " "
                    + new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8));
        }
        return false;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
