package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunetrail.api.limits.EventPublisher;
import io.tunetrail.model.PlanCatalog;
import io.tunetrail.model.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Scenario 5: the broker stopped while the API serves metered calls. Expected: every call is still answered at once
 * (a usage event is only queued on the request's thread), the API holds up to {@code api.usage.buffer-events} usage
 * events and counts every one beyond as dropped, and once the broker is back every held event reaches the usage topic.
 * The scenario's own API runs with a small buffer so the bound is reached in seconds.
 */
public final class KafkaOutageScenario implements ChaosScenario {
    private static final int BUFFER = 500;
    private static final int CALLS_WHILE_DOWN = 700;
    private static final int WARM_CALLS = 20;
    private static final String PLAN = "enterprise";
    private static final int BASELINE_CALLS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "kafka-down";
    }

    @Override
    public String description() {
        return "Kafka stopped under API load: calls answered, usage events held up to the bound, the rest counted as dropped";
    }

    @Override
    public Outcome run(PlatformConfig config, Consumer<String> progress) throws Exception {
        Checks checks = new Checks(progress);
        ServiceOutage kafka = new ServiceOutage(config, "kafka", progress);
        String topic = config.get(PlatformConfig.TOPIC_USAGE);
        Map<TopicPartition, Long> start = endOffsets(config, topic);
        try (ChaosApi api = ChaosApi.start(config, Map.of(PlatformConfig.API_USAGE_BUFFER_EVENTS.name(), Integer.toString(BUFFER)))) {
            // Enterprise: a rate limit high enough that the calls below are all admitted.
            ChaosApi.Tenant org = api.tenant("kafka", PLAN);
            EventPublisher events = api.events();
            calls(api, org, WARM_CALLS);
            // The same calls with the broker up: the latency the outage's calls are compared with.
            List<ChaosApi.Reply> up = calls(api, org, BASELINE_CALLS);
            awaitDelivered(events, Duration.ofSeconds(30));
            checks.that(events.usageHeld() == 0, "the usage events so far are acknowledged before the broker stops", events.usageHeld());

            kafka.stop();
            long droppedBefore = events.usageDropped();
            long failedBefore = events.usageFailed();
            long t0 = System.nanoTime();
            List<ChaosApi.Reply> down = calls(api, org, CALLS_WHILE_DOWN);
            double downSeconds = (System.nanoTime() - t0) / 1e9;
            ChaosApi.Reply post = api.post("/api/v1/interactions", org.key(), "{\"client_event_id\":\"chaos-1\",\"user_id\":\"u-1\","
                    + "\"track_id\":\"tr-1\",\"event_type\":\"play\",\"event_time\":\"" + java.time.Instant.now() + "\"}");
            long dropped = events.usageDropped() - droppedBefore;
            int held = events.usageHeld();

            long upAt = kafka.start();
            awaitDelivered(events, Duration.ofSeconds(90));
            double deliverSeconds = (System.nanoTime() - upAt) / 1e9;
            Set<String> delivered = new HashSet<>();
            int records = readUsage(config, topic, start, org.orgId(), delivered);

            long answered = down.stream().filter(r -> r.status() == 200).count();
            // The interactions call is metered too: admitted (its usage event queued) before its handler found no broker.
            long admitted = answered + (post.status() == 503 ? 1 : 0);
            checks.that(answered == CALLS_WHILE_DOWN, "every metered call is answered 200 while Kafka is down", answered + "/" + CALLS_WHILE_DOWN);
            // A call that waited on the producer would take at least max.block.ms (1 s); the rest is this machine's load.
            checks.that(BackgroundLoad.percentileMillis(down, 100) < 1_000, "no call waits for Kafka (max.block.ms is 1 s)",
                    "p99 " + BackgroundLoad.percentileMillis(down, 99) + " ms, slowest " + BackgroundLoad.percentileMillis(down, 100) + " ms; with the broker up p99 " + BackgroundLoad.percentileMillis(up, 99) + " ms");
            checks.that(post.isProblem(503, "kafka_unavailable") && post.millis() < 10_000,
                    "posting interactions, which must reach Kafka, answers 503 kafka_unavailable with Retry-After in bounded time",
                    post.status() + " " + post.code() + " in " + post.millis() + " ms");
            checks.that(held == BUFFER && dropped == admitted - BUFFER, "usage events beyond the bound are dropped and counted",
                    held + " held, " + dropped + " dropped of " + admitted);
            checks.that(events.usageHeld() == 0, "every held event is acknowledged once Kafka is back",
                    events.usageHeld() + " still held " + String.format("%.1f s", deliverSeconds) + " after the broker started");
            int expected = WARM_CALLS + BASELINE_CALLS + BUFFER;
            checks.that(delivered.size() == expected, "the usage topic holds every event sent before the stop and each held one (by request id)",
                    delivered.size() + " distinct of " + expected + " expected, " + records + " records");
            checks.that(events.usageFailed() == failedBefore, "no event failed for good", events.usageFailed() - failedBefore);

            String measured = String.format("%d calls in %.1f s with the broker down, all 200, p99 %d ms (broker up: %d ms); %d usage events "
                    + "held, %d dropped and counted; all held ones on the topic %.1f s after the broker started (%d records for %d "
                    + "distinct requests)", CALLS_WHILE_DOWN, downSeconds, BackgroundLoad.percentileMillis(down, 99), BackgroundLoad.percentileMillis(up, 99), held, dropped,
                    deliverSeconds, records, delivered.size());
            return checks.outcome("answers every call; holds usage events up to api.usage.buffer-events, drops and counts the rest "
                    + "with a log line, delivers the held ones when Kafka returns; POST /interactions 503 kafka_unavailable", measured);
        } finally {
            kafka.restoreStack();
        }
    }

    /**
     * {@code n} metered calls in waves a second apart, each wave three quarters of the plan's per-second cap (the
     * enterprise plan caps a key at 400 requests in any second): this scenario is about the broker, not the rate limit,
     * so every call must be admitted.
     */
    private static List<ChaosApi.Reply> calls(ChaosApi api, ChaosApi.Tenant org, int n) throws Exception {
        Integer perSecond = PlanCatalog.load().plan(PLAN).rateLimit().requestsPerSecond();
        int wave = perSecond == null ? n : Math.max(1, perSecond * 3 / 4);
        List<ChaosApi.Reply> replies = new ArrayList<>(n);
        for (int sent = 0; sent < n; sent += wave) {
            if (sent > 0) {
                Thread.sleep(1_000);
            }
            replies.addAll(BackgroundLoad.atOnce(Math.min(wave, n - sent), () -> api.get("/api/v1/tracks/top", org.key())));
        }
        return replies;
    }

    private static void awaitDelivered(EventPublisher events, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (events.usageHeld() > 0 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(PlatformConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> endOffsets(PlatformConfig config, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(config)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts, Duration.ofSeconds(30));
        }
    }

    /** Reads the topic from {@code from} to its current end; collects the request ids of {@code orgId}'s events. */
    private static int readUsage(PlatformConfig config, String topic, Map<TopicPartition, Long> from, String orgId, Set<String> requestIds)
            throws Exception {
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> c = consumer(config)) {
            c.assign(from.keySet());
            from.forEach(c::seek);
            Map<TopicPartition, Long> end = c.endOffsets(from.keySet(), Duration.ofSeconds(30));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue()) && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(r.value());
                    if (orgId.equals(event.path("org_id").asText())) {
                        records++;
                        requestIds.add(event.path("request_id").asText());
                    }
                }
            }
        }
        return records;
    }
}
