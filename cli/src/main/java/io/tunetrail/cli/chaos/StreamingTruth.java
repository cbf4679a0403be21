package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.online.UsageCount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The streaming jobs' results of a {@link ListeningWorkload} against its ground truth: the usage ledger in Redis
 * (day and month totals per org), the committed {@code usage-daily} records and the committed {@code sessions}.
 * Lost events show up as totals below the truth, doubled ones above it or as a second record of a window.
 */
final class StreamingTruth {
    /** What was compared, and every difference from the truth (empty when the results are exact). */
    record Comparison(List<String> differences, long ledgerUnits, long dailyUnits, long sessions, long sessionEvents,
            long expectedUnits, long expectedSessions) {
        boolean exact() {
            return differences.isEmpty();
        }

        String measured() {
            return String.format("ledger %,d / daily records %,d units of %,d sent; %,d sessions of %,d expected, holding %,d events",
                    ledgerUnits, dailyUnits, expectedUnits, sessions, expectedSessions, sessionEvents);
        }
    }

    private StreamingTruth() {}

    static Comparison compare(ChaosWorld world, ListeningWorkload w) {
        PlatformConfig config = world.config();
        List<String> diff = new ArrayList<>();
        long ledgerUnits = 0;
        try (RedisOnlineStore redis = RedisOnlineStore.connect(config)) {
            for (Map.Entry<String, Long> e : w.eventsPerOrg().entrySet()) {
                UsageCount c = redis.ledger(e.getKey(), List.of("interactions"), w.midday()).get("interactions");
                ledgerUnits += c.day();
                if (c.day() != e.getValue() || c.month() != e.getValue()) {
                    diff.add("Redis ledger of " + e.getKey() + ": day " + c.day() + ", month " + c.month() + ", sent " + e.getValue());
                }
            }
        }
        Map<String, Long> dailyUnits = new HashMap<>();
        Map<String, Integer> dailyRecords = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : world.readCommitted(config.get(PlatformConfig.TOPIC_USAGE_DAILY))) {
            JsonNode n = json(r.value());
            if (n.path("resource").asText().equals("interactions") && w.eventsPerOrg().containsKey(n.path("org_id").asText())) {
                dailyUnits.merge(n.path("org_id").asText(), n.path("units").asLong(), Long::sum);
                dailyRecords.merge(n.path("org_id").asText() + " " + n.path("usage_date").asText(), 1, Integer::sum);
            }
        }
        dailyRecords.forEach((k, n) -> {
            if (n != 1) {
                diff.add("usage-daily holds " + n + " records of " + k + " (one expected)");
            }
        });
        Map<String, Long> sessions = new HashMap<>();
        Map<String, Long> sessionEvents = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : world.readCommitted(config.get(PlatformConfig.TOPIC_SESSIONS))) {
            JsonNode n = json(r.value());
            sessions.merge(n.path("org_id").asText(), 1L, Long::sum);
            sessionEvents.merge(n.path("org_id").asText(), n.path("events").asLong(), Long::sum);
        }
        long expectedUnits = 0;
        for (Map.Entry<String, Long> e : w.eventsPerOrg().entrySet()) {
            String org = e.getKey();
            expectedUnits += e.getValue();
            if (dailyUnits.getOrDefault(org, 0L).longValue() != e.getValue()) {
                diff.add("usage-daily units of " + org + ": " + dailyUnits.getOrDefault(org, 0L) + ", sent " + e.getValue());
            }
            if (sessions.getOrDefault(org, 0L) != w.sessionsPerOrg() || sessionEvents.getOrDefault(org, 0L).longValue() != e.getValue()) {
                diff.add("sessions of " + org + ": " + sessions.getOrDefault(org, 0L) + " holding " + sessionEvents.getOrDefault(org, 0L)
                        + " events, expected " + w.sessionsPerOrg() + " holding " + e.getValue());
            }
        }
        return new Comparison(diff, ledgerUnits, dailyUnits.values().stream().mapToLong(Long::longValue).sum(),
                sessions.values().stream().mapToLong(Long::longValue).sum(), sessionEvents.values().stream().mapToLong(Long::longValue).sum(),
                expectedUnits, (long) w.sessionsPerOrg() * w.eventsPerOrg().size());
    }

    private static JsonNode json(byte[] value) {
        try {
            return EventCodec.mapper().readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a result record is not JSON: " + e.getMessage(), e);
        }
    }
}
