package io.tunetrail.cli.chaos;

import io.tunetrail.model.Activity;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Listening events whose streaming results are known in advance: each listener has sessions of evenly spaced plays,
 * hours apart (far beyond the session gap), all on one past UTC day, sent in event-time order so none is late, and
 * the API's usage event of each session's first call ({@code api_calls}, one unit) spread over the usage topic's
 * partitions, so every partition of both topics moves event time on. The ground truth is then plain arithmetic: per
 * org, one day of {@code interactions} usage equal to its event count, one of {@code api_calls} equal to its sessions,
 * and exactly {@link #sessionsPerOrg()} sessions holding those events.
 *
 * <p>{@link #flush} adds, after the workload, one event per partition of an org of its own two hours into the next
 * day, which moves every partition's watermark past every window and session of the workload: a continuous job then
 * emits all of them without being stopped.
 */
final class ListeningWorkload {
    private static final long PLAY_SPACING_MS = 2 * 60_000L;
    private static final long SESSION_SPACING_MS = 2 * 3_600_000L;

    private final List<InteractionEvent> events;
    private final List<UsageEvent> usage;
    private final Map<String, Long> eventsPerOrg;
    private final int sessionsPerOrg;
    private final LocalDate day;

    private ListeningWorkload(List<InteractionEvent> events, List<UsageEvent> usage, Map<String, Long> eventsPerOrg, int sessionsPerOrg,
            LocalDate day) {
        this.events = events;
        this.usage = usage;
        this.eventsPerOrg = eventsPerOrg;
        this.sessionsPerOrg = sessionsPerOrg;
        this.day = day;
    }

    /**
     * {@code orgs} orgs of {@code listeners} listeners with {@code sessions} sessions of {@code plays} plays each,
     * yesterday (UTC); {@code seed} varies the start of each listener's day, not the counts.
     */
    static ListeningWorkload build(List<String> orgs, int listeners, int sessions, int plays, long seed) {
        if ((sessions - 1) * SESSION_SPACING_MS + plays * PLAY_SPACING_MS + 3_600_000L > 86_400_000L) {
            throw new IllegalArgumentException(sessions + " sessions of " + plays + " plays do not fit in one day");
        }
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        long dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Random random = new Random(seed);
        List<InteractionEvent> events = new ArrayList<>();
        List<UsageEvent> usage = new ArrayList<>();
        Map<String, Long> perOrg = new LinkedHashMap<>();
        for (String org : orgs) {
            for (int u = 0; u < listeners; u++) {
                // Up to an hour of offset, whole seconds, so listeners interleave without two plays of one listener colliding.
                long start = dayStart + random.nextInt(3_600) * 1000L;
                for (int s = 0; s < sessions; s++) {
                    usage.add(new UsageEvent(org, "chaos-key", "api_calls", 1, Instant.ofEpochMilli(start + s * SESSION_SPACING_MS),
                            org + "-call-" + u + "-" + s));
                    for (int p = 0; p < plays; p++) {
                        long t = start + s * SESSION_SPACING_MS + p * PLAY_SPACING_MS;
                        events.add(new InteractionEvent(org, "listener-" + u, "track-" + ((u * 7 + s * 3 + p) % 50), EventType.PLAY,
                                90_000L, 180_000L, Instant.ofEpochMilli(t), new InteractionContext(Device.MOBILE, Activity.NONE),
                                org + "-" + u + "-" + s + "-" + p, 1));
                    }
                }
            }
            perOrg.put(org, (long) listeners * sessions * plays);
        }
        events.sort(Comparator.comparing(InteractionEvent::eventTime));
        usage.sort(Comparator.comparing(UsageEvent::eventTime));
        return new ListeningWorkload(events, usage, perOrg, listeners * sessions, day);
    }

    /** The interactions as records of {@code topic}, keyed as the platform keys them, in event-time order. */
    List<ProducerRecord<byte[], byte[]>> records(String topic) {
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        return events.stream().map(e -> ChaosWorld.record(topic, e.partitionKey(), codec.encode(e))).toList();
    }

    /** The usage events as records of {@code topic}, in event-time order, dealt round-robin over its partitions. */
    List<ProducerRecord<byte[], byte[]>> usageRecords(String topic, int partitions) {
        EventCodec<UsageEvent> codec = EventCodec.usage();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < usage.size(); i++) {
            UsageEvent e = usage.get(i);
            out.add(new ProducerRecord<>(topic, i % partitions, e.partitionKey().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
        }
        return out;
    }

    /** One interaction and one usage event of {@code org} per partition, two hours into the next day (see the class). */
    List<ProducerRecord<byte[], byte[]>> flush(String org, String interactionsTopic, String usageTopic, int partitions) {
        return flushAt(day.plusDays(1).atTime(2, 0).toInstant(ZoneOffset.UTC), org, interactionsTopic, usageTopic, partitions);
    }

    /** A flush an hour after {@link #flush}'s: for a job restored after it had read that one (see {@code StreamingRun}). */
    List<ProducerRecord<byte[], byte[]>> laterFlush(String org, String interactionsTopic, String usageTopic, int partitions) {
        return flushAt(day.plusDays(1).atTime(3, 0).toInstant(ZoneOffset.UTC), org, interactionsTopic, usageTopic, partitions);
    }

    private List<ProducerRecord<byte[], byte[]>> flushAt(Instant t, String org, String interactionsTopic, String usageTopic, int partitions) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            InteractionEvent e = new InteractionEvent(org, "flush-" + p, "track-0", EventType.PLAY, 1_000L, 180_000L, t,
                    InteractionContext.UNKNOWN, org + "-flush-" + p, 1);
            out.add(new ProducerRecord<>(interactionsTopic, p, e.partitionKey().getBytes(StandardCharsets.UTF_8),
                    EventCodec.interactions().encode(e)));
            UsageEvent u = new UsageEvent(org, "chaos-key", "api_calls", 1, t, org + "-flush-call-" + p);
            out.add(new ProducerRecord<>(usageTopic, p, org.getBytes(StandardCharsets.UTF_8), EventCodec.usage().encode(u)));
        }
        return out;
    }

    int size() {
        return events.size();
    }

    Map<String, Long> eventsPerOrg() {
        return eventsPerOrg;
    }

    /** Usage events ({@code api_calls} units) per org: one per session. */
    long callsPerOrg() {
        return sessionsPerOrg;
    }

    int sessionsPerOrg() {
        return sessionsPerOrg;
    }

    /** The UTC day every event falls on. */
    LocalDate day() {
        return day;
    }

    /** Noon of {@link #day()}: an instant the ledger is read at. */
    Instant midday() {
        return day.atTime(12, 0).toInstant(ZoneOffset.UTC);
    }
}
