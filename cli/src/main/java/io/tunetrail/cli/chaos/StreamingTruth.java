package io.tunetrail.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.PlatformConfig;
import io.tunetrail.store.online.RedisOnlineStore;
import io.tunetrail.store.online.UsageCount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The streaming jobs' results of a {@link ListeningWorkload} against its ground truth: the usage ledger in Redis
 * (day and month totals per org of {@code interactions} and {@code api_calls}), the committed {@code usage-daily}
 * records and the committed {@code sessions}.
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
            return String.format("ledger %,d / usage-daily %,d units of %,d sent; %,d sessions of %,d expected, holding %,d events",
                    ledgerUnits, dailyUnits, expectedUnits, sessions, expectedSessions, sessionEvents);
        }
    }

    private StreamingTruth() {}

    static Comparison compare(ChaosWorld world, ListeningWorkload w) {
        PlatformConfig config = world.config();
        Map<String, Map<String, Long>> expected = new LinkedHashMap<>();
        expected.put("interactions", w.eventsPerOrg());
        Map<String, Long> calls = new LinkedHashMap<>();
        w.eventsPerOrg().keySet().forEach(org -> calls.put(org, w.callsPerOrg()));
        expected.put("api_calls", calls);

        List<String> diff = new ArrayList<>();
        long ledgerUnits = 0;
        try (RedisOnlineStore redis = RedisOnlineStore.connect(config)) {
            for (String org : w.eventsPerOrg().keySet()) {
                Map<String, UsageCount> ledger = redis.ledger(org, expected.keySet(), w.midday());
                for (Map.Entry<String, Map<String, Long>> r : expected.entrySet()) {
                    UsageCount c = ledger.get(r.getKey());
                    long want = r.getValue().get(org);
                    ledgerUnits += c.day();
                    if (c.day() != want || c.month() != want) {
                        diff.add("Redis ledger " + r.getKey() + " of " + org + ": day " + c.day() + ", month " + c.month() + ", sent " + want);
                    }
                }
            }
        }
        // org + " " + resource -> units, and org + " " + resource + " " + day -> records
        Map<String, Long> dailyUnits = new HashMap<>();
        Map<String, Integer> dailyRecords = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : world.readCommitted(config.get(PlatformConfig.TOPIC_USAGE_DAILY))) {
            JsonNode n = json(r.value());
            String org = n.path("org_id").asText();
            if (w.eventsPerOrg().containsKey(org)) {
                String key = org + " " + n.path("resource").asText();
                dailyUnits.merge(key, n.path("units").asLong(), Long::sum);
                dailyRecords.merge(key + " " + n.path("usage_date").asText() + " " + n.path("api_key_id").asText(), 1, Integer::sum);
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
            if (w.eventsPerOrg().containsKey(n.path("org_id").asText())) {
                sessions.merge(n.path("org_id").asText(), 1L, Long::sum);
                sessionEvents.merge(n.path("org_id").asText(), n.path("events").asLong(), Long::sum);
            }
        }
        long expectedUnits = 0;
        for (Map.Entry<String, Map<String, Long>> r : expected.entrySet()) {
            for (Map.Entry<String, Long> e : r.getValue().entrySet()) {
                expectedUnits += e.getValue();
                long got = dailyUnits.getOrDefault(e.getKey() + " " + r.getKey(), 0L);
                if (got != e.getValue()) {
                    diff.add("usage-daily " + r.getKey() + " of " + e.getKey() + ": " + got + " units, sent " + e.getValue());
                }
            }
        }
        for (Map.Entry<String, Long> e : w.eventsPerOrg().entrySet()) {
            String org = e.getKey();
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
