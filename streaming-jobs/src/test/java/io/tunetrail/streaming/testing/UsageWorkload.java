package io.tunetrail.streaming.testing;

import io.tunetrail.model.Activity;
import io.tunetrail.model.Device;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.UsageEvent;
import io.tunetrail.streaming.common.StreamSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Usage and interaction records for the usage-counters ITs, written to chosen partitions, with the ground truth
 * computed here in plain Java, independently of the job: which records are refused and why (the malformed batch is
 * labelled by construction; lateness follows the documented rule, per partition in offset order), and every hourly,
 * daily and ledger total of the accepted ones.
 */
public final class UsageWorkload {
    /** A period of an org's resource. */
    public record Period(String org, String resource, LocalDate start) {}

    private record Rec(String topic, int partition, byte[] value, String rejectCode, long ts, String org, String key,
            String resource, long units) {}

    private final List<Rec> recs = new ArrayList<>();
    private final List<String> orgs;
    private final Map<String, List<Long>> hourly = new HashMap<>();
    private final Map<String, List<Long>> daily = new HashMap<>();
    private final Map<Period, Long> ledgerDays = new HashMap<>();
    private final Map<Period, Long> ledgerMonths = new HashMap<>();
    private final Map<String, Long> deadCodes = new HashMap<>();
    private final Set<String> deadValues = new HashSet<>();
    private long accepted;
    private long late;
    private long outOfOrder;

    private UsageWorkload(List<String> orgs) {
        this.orgs = orgs;
    }

    /** Builds the workload (it spans the start of the current UTC month), sends it, and computes the truth. */
    public static UsageWorkload write(StreamTestKit kit, StreamSettings s, String orgA, String orgB, long seed) {
        UsageWorkload w = new UsageWorkload(List.of(orgA, orgB));
        Random rnd = new Random(seed);
        EventCodec<UsageEvent> usage = EventCodec.usage();
        EventCodec<InteractionEvent> interactions = EventCodec.interactions();
        LocalDate monthStart = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        Instant t = monthStart.minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minus(3, ChronoUnit.HOURS);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            t = t.plusSeconds(rnd.nextInt(60));
            Instant ts = t;
            double r = rnd.nextDouble();
            if (r < 0.10) {
                ts = t.minusSeconds(rnd.nextInt(45));
            } else if (r < 0.13) {
                ts = t.minusSeconds(120 + rnd.nextInt(7200));
            }
            String org = rnd.nextInt(3) == 0 ? orgB : orgA;
            if (rnd.nextBoolean()) {
                String key = org.equals(orgA) ? (rnd.nextBoolean() ? "key-1" : "key-2") : "key-3";
                String resource = rnd.nextInt(5) == 0 ? "audio_analysis" : "api_calls";
                UsageEvent e = new UsageEvent(org, key, resource, 1 + rnd.nextInt(5), ts, "req-" + i);
                w.add(s.usageTopic(), org.equals(orgA) ? 0 : 1, usage.encode(e), null, ts, org, key, resource, e.units());
            } else {
                String user = "user-" + rnd.nextInt(6);
                int count = rnd.nextInt(10) == 0 ? 3 : 1;
                InteractionEvent e = new InteractionEvent(org, user, "track-" + rnd.nextInt(50), EventType.PLAY, 40_000, 180_000, ts,
                        new InteractionContext(Device.MOBILE, Activity.NONE), "ev-" + i, count);
                w.add(s.interactionsTopic(), Math.floorMod(user.hashCode(), StreamTestKit.PARTITIONS), interactions.encode(e), null, ts,
                        org, "", "interactions", count);
            }
            if (i == n / 2) {
                w.malformedBatch(s, orgA, t);
            }
        }
        for (Rec rec : w.recs) {
            kit.send(rec.topic, rec.partition, rec.org, rec.value);
        }
        kit.flush();
        w.computeTruth(s.latenessBoundMs());
        return w;
    }

    private void malformedBatch(StreamSettings s, String org, Instant t) {
        String ok = "{\"org_id\":\"" + org + "\",\"user_id\":\"u\",\"track_id\":\"t\",\"event_type\":\"play\",\"event_time\":\"" + t
                + "\",\"client_event_id\":\"bad-";
        bad(s.interactionsTopic(), 0, ok.substring(0, ok.length() / 2), "MALFORMED_JSON");
        bad(s.interactionsTopic(), 0, ok + "1\",\"played_ms\":\"lots\"}", "SCHEMA_VIOLATION");
        bad(s.interactionsTopic(), 1, ok.replace("\"play\"", "\"teleport\"") + "2\"}", "SCHEMA_VIOLATION");
        bad(s.interactionsTopic(), 1, ok.replace("\"org_id\":\"" + org + "\",", "") + "3\"}", "SCHEMA_VIOLATION");
        bad(s.interactionsTopic(), 0, ok.replace(t.toString(), "2099-01-01T00:00:00Z") + "4\"}", "FUTURE_EVENT");
        bad(s.usageTopic(), 0, "{\"org_id\":\"" + org + "\",\"api_key_id\":\"key-1\",\"resource\":\"api_calls\",\"units\":\"ten\","
                + "\"event_time\":\"" + t + "\",\"request_id\":\"bad-5\"}", "SCHEMA_VIOLATION");
        bad(s.usageTopic(), 1, "not json at all", "MALFORMED_JSON");
    }

    private void bad(String topic, int partition, String json, String code) {
        recs.add(new Rec(topic, partition, json.getBytes(StandardCharsets.UTF_8), code, 0, null, null, null, 0));
    }

    private void add(String topic, int partition, byte[] value, String code, Instant ts, String org, String key, String resource, long units) {
        recs.add(new Rec(topic, partition, value, code, ts.toEpochMilli(), org, key, resource, units));
    }

    private void computeTruth(long boundMs) {
        Map<String, Long> newest = new HashMap<>();
        for (Rec r : recs) {
            if (r.rejectCode != null) {
                deadLetter(r.rejectCode, r.value);
                continue;
            }
            String tp = r.topic + "/" + r.partition;
            Long max = newest.get(tp);
            if (max != null && r.ts < max - boundMs) {
                late++;
                deadLetter("LATE_EVENT", r.value);
                continue;
            }
            if (max != null && r.ts < max) {
                outOfOrder++;
            }
            newest.put(tp, max == null ? r.ts : Math.max(max, r.ts));
            accepted++;
            long hour = r.ts - Math.floorMod(r.ts, 3_600_000L);
            long day = r.ts - Math.floorMod(r.ts, 86_400_000L);
            String group = r.org + "|" + r.key + "|" + r.resource + "|";
            bump(hourly, group + Instant.ofEpochMilli(hour), r.units);
            bump(daily, group + Instant.ofEpochMilli(day), r.units);
            LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(r.ts), ZoneOffset.UTC);
            ledgerDays.merge(new Period(r.org, r.resource, d), r.units, Long::sum);
            ledgerMonths.merge(new Period(r.org, r.resource, d.withDayOfMonth(1)), r.units, Long::sum);
        }
    }

    private void deadLetter(String code, byte[] value) {
        deadCodes.merge(code, 1L, Long::sum);
        deadValues.add(new String(value, StandardCharsets.UTF_8));
    }

    private static void bump(Map<String, List<Long>> m, String key, long units) {
        List<Long> v = m.getOrDefault(key, List.of(0L, 0L));
        m.put(key, List.of(v.get(0) + units, v.get(1) + 1));
    }

    public long records() {
        return recs.size();
    }

    public long accepted() {
        return accepted;
    }

    public long lateEvents() {
        return late;
    }

    public long outOfOrderAccepted() {
        return outOfOrder;
    }

    public long rejected(String code) {
        return deadCodes.getOrDefault(code, 0L);
    }

    public List<String> orgs() {
        return orgs;
    }

    public Map<String, List<Long>> hourly() {
        return hourly;
    }

    public Map<String, List<Long>> daily() {
        return daily;
    }

    public Map<Period, Long> ledgerDays() {
        return ledgerDays;
    }

    public Map<Period, Long> ledgerMonths() {
        return ledgerMonths;
    }

    public Map<String, Long> deadLetterCodes() {
        return deadCodes;
    }

    public Set<String> deadLetterValues() {
        return deadValues;
    }
}
