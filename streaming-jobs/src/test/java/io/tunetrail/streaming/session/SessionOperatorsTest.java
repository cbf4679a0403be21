package io.tunetrail.streaming.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunetrail.streaming.common.Listen;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The session-features operators under Flink's test harnesses: sessions, rolling features, and state clean-up. */
class SessionOperatorsTest {
    private static final long GAP = Duration.ofMinutes(30).toMillis();
    private static final long T0 = Instant.parse("2026-11-20T08:00:00Z").toEpochMilli(); // a Friday

    @Test
    void aSessionClosesAfterTheGapMergesWhenBridgedAndLeavesNoStateOrTimers() throws Exception {
        try (var h = listenerSessions()) {
            h.open();
            add(h, listen("t1", "complete", 200_000, T0, "workout", "a1", "rock"));
            add(h, listen("t2", "skip", 10_000, T0 + 4 * 60_000, "workout", "a2", "rock,metal"));
            // 50 minutes later: a second session, until the next event bridges the two (25 + 25 minutes).
            add(h, listen("t3", "play", 60_000, T0 + 54 * 60_000, "none", "a1", "pop"));
            add(h, listen("t9", "like", 0, T0 + 29 * 60_000, "workout", "", ""));
            add(h, listen("t4", "complete", 200_000, T0 + 55 * 60_000, "workout", "", ""));
            h.processWatermark(T0 + 55 * 60_000 + GAP - 2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + 55 * 60_000 + GAP - 1);

            List<SessionSummary> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            SessionSummary s = out.get(0);
            assertThat(s.startMs()).isEqualTo(T0);
            assertThat(s.endMs()).isEqualTo(T0 + 55 * 60_000);
            assertThat(s.events()).isEqualTo(5);
            assertThat(s.tracksPlayed()).isEqualTo(4);
            assertThat(s.completionRate()).isEqualTo(0.5);
            assertThat(s.skipRate()).isEqualTo(0.25);
            assertThat(s.playedMs()).isEqualTo(470_000);
            assertThat(s.distinctArtists()).isEqualTo(2);
            assertThat(s.distinctGenres()).isEqualTo(3);
            assertThat(s.topGenre()).isEqualTo("rock");
            assertThat(s.dominantActivity()).isEqualTo("workout");
            assertThat(s.hourOfDay()).isEqualTo(8);
            assertThat(s.dayOfWeek()).isEqualTo(5);
            assertThat(s.recentTracks()).isEqualTo("t4,t3,t2");
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void userFeaturesRollOverSevenDaysAndAreClearedAfterSevenQuietDays() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new UserFeaturesFunction(3)),
                (SessionSummary s) -> s.orgId() + "|" + s.userId(), Types.STRING)) {
            h.open();
            long day = Duration.ofDays(1).toMillis();
            h.processElement(session(T0, 10, 2, 600_000, "a,b", "rock=600000"), T0);
            h.processElement(session(T0 + 3 * day, 4, 0, 240_000, "c,a", "jazz=200000;rock=40000"), T0 + 3 * day);
            h.processElement(session(T0 + 8 * day, 6, 3, 120_000, "d", "pop=120000"), T0 + 8 * day);
            List<UserFeatures> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out.get(1)).isEqualTo(new UserFeatures("acme", "u1", 2, 14.0, 2.0 / 14, "rock,jazz", "c,a,b", T0 + 3 * day + 60_000));
            // Day 8: the first session (ended on day 0) is out of the window, the second is in.
            assertThat(out.get(2)).isEqualTo(new UserFeatures("acme", "u1", 2, 6.0, 3.0 / 10, "jazz,pop,rock", "d,c,a", T0 + 8 * day + 60_000));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);

            h.processWatermark(T0 + 15 * day + 60_000 - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
            h.processWatermark(T0 + 15 * day + 60_000);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLongSessionKeepsTheNewestTracksTiesByTrackId() {
        // The accumulator drops one track per event once over the limit: it must keep what sorting and cutting to
        // the limit after every event keeps (the reference below).
        SessionAccumulator acc = new SessionAccumulator();
        java.util.Map<String, Long> reference = new java.util.HashMap<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(16);
        for (int i = 0; i < 2_000; i++) {
            String track = "t" + random.nextInt(40);
            long ts = T0 + random.nextInt(300) * 1000L; // many equal times: the tie rule decides
            acc.add(listen(track, "play", 1_000, ts, "none", "", ""), 5);
            reference.merge(track, ts, Math::max);
            List<String> expected = reference.entrySet().stream().sorted(SessionAccumulator.NEWEST_FIRST).limit(5)
                    .map(java.util.Map.Entry::getKey).toList();
            reference.keySet().retainAll(expected);
            assertThat(acc.recentTracks(5)).as("after event %d", i).isEqualTo(expected);
            assertThat(acc.recent).hasSizeLessThanOrEqualTo(5);
        }
    }

    /**
     * {@link ListenerSessions} against the operator it replaced (Flink's {@code EventTimeSessionWindows} with its
     * event-time trigger, folding into the same accumulator) on random streams: several listeners, events out of order
     * within the watermark's bound, sessions bridged, late events, watermarks in between, and a checkpoint restored
     * into a fresh operator halfway. The same sessions, with the same timestamps, and the same late events come out.
     */
    @Test
    void sessionsAreTheSameAsFlinksSessionWindowsOnRandomStreams() throws Exception {
        for (int seed = 1; seed <= 40; seed++) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            List<Object> inputs = new java.util.ArrayList<>();
            long maxSeen = T0;
            long watermark = Long.MIN_VALUE;
            long bound = random.nextInt(1, 40) * 60_000L;
            // Odd seeds on a whole-minute grid, so that events land exactly on a session's end (windows that touch
            // merge) and exactly at the watermark's edge of lateness; even seeds at any millisecond.
            long grid = seed % 2 == 1 ? 60_000L : 1L;
            for (int i = 0; i < 600; i++) {
                long ts = maxSeen + random.nextLong(-bound, 12 * 60_000L) / grid * grid;
                if (random.nextInt(40) == 0) {
                    ts = maxSeen - bound - random.nextLong(1, 3 * GAP) / grid * grid; // late: behind the watermark
                }
                maxSeen = Math.max(maxSeen, ts);
                String user = "u" + random.nextInt(4);
                String track = "t" + random.nextInt(30);
                String type = random.nextInt(3) == 0 ? "skip" : "complete";
                inputs.add(new Listen("acme", user, track, type, random.nextInt(1_000, 200_000), 200_000, ts,
                        random.nextBoolean() ? "workout" : "none", 1, "a" + random.nextInt(5), "g" + random.nextInt(4)));
                if (random.nextInt(5) == 0 && maxSeen - bound - 1 > watermark) {
                    watermark = maxSeen - bound - 1;
                    inputs.add(watermark);
                }
            }
            inputs.add(Long.MAX_VALUE);

            Outcome reference = throughFlinkSessionWindows(inputs);
            List<String> expected = reference.sessions();
            List<String> expectedLate = reference.late();
            int half = inputs.size() / 2;
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState checkpoint;
            List<Object> actual = new java.util.ArrayList<>();
            List<String> actualLate = new java.util.ArrayList<>();
            try (var before = listenerSessions()) {
                before.open();
                feed(before, inputs, 0, half);
                actual.addAll(before.getOutput());
                actualLate.addAll(lateOf(before.getSideOutput(LATE)));
                checkpoint = before.snapshot(1, 1);
            }
            try (var after = listenerSessions()) {
                after.initializeState(checkpoint);
                after.open();
                // A restored operator's watermark starts over (the sources send it again); the reference's did not
                // restart, so this one is given the last watermark it had seen, or the two would disagree on lateness.
                for (int i = half - 1; i >= 0; i--) {
                    if (inputs.get(i) instanceof Long w) {
                        after.processWatermark(w);
                        break;
                    }
                }
                feed(after, inputs, half, inputs.size());
                actual.addAll(after.getOutput());
                actualLate.addAll(lateOf(after.getSideOutput(LATE)));
                assertThat(after.numKeyedStateEntries()).as("seed %d: no state left", seed).isZero();
                assertThat(after.numEventTimeTimers()).as("seed %d: no timer left", seed).isZero();
            }
            assertThat(expected).as("seed %d: sessions closed", seed).hasSizeGreaterThan(4);
            assertThat(sorted(actual)).as("seed %d", seed).isEqualTo(expected);
            java.util.Collections.sort(actualLate);
            assertThat(actualLate).as("seed %d: late events", seed).isEqualTo(expectedLate);
        }
    }

    /**
     * The edges, where a random stream rarely lands: windows that only touch merge (an event exactly one gap after a
     * session's last event, or one gap before its first, also with two sessions open), and an event whose window's last
     * millisecond is the watermark is late while one a millisecond newer is not. Both operators, the same answers.
     */
    @Test
    void touchingWindowsMergeAndTheLatenessEdgeIsFlinks() throws Exception {
        long W = T0 + 20 * GAP;
        List<Object> inputs = List.of(
                listen("t1", "complete", 1_000, T0, "none", "a", "g"),
                listen("t2", "complete", 1_000, T0 + GAP, "none", "a", "g"), // touches t1's window: one session
                listen("t3", "complete", 1_000, T0 + 3 * GAP, "none", "a", "g"), // a second open session
                listen("t4", "complete", 1_000, T0 + 3 * GAP + GAP, "none", "a", "g"), // touches the second one
                listen("t5", "complete", 1_000, T0 + 2 * GAP, "none", "a", "g"), // touches both: all one session
                listen("t6", "complete", 1_000, T0 + 10 * GAP, "none", "a", "g"),
                listen("t7", "complete", 1_000, T0 + 9 * GAP, "none", "a", "g"), // one gap before t6: joins it
                W, // closes both sessions
                listen("late", "complete", 1_000, W - GAP + 1, "none", "a", "g"), // its window's last millisecond is W
                listen("edge", "complete", 1_000, W - GAP + 2, "none", "a", "g"), // a millisecond newer: not late
                Long.MAX_VALUE);
        Outcome reference = throughFlinkSessionWindows(inputs);
        List<String> expected = reference.sessions();
        List<String> expectedLate = reference.late();
        try (var h = listenerSessions()) {
            h.open();
            feed(h, inputs, 0, inputs.size());
            assertThat(sorted(h.getOutput())).isEqualTo(expected);
            assertThat(lateOf(h.getSideOutput(LATE))).isEqualTo(expectedLate);
            List<SessionSummary> out = h.extractOutputValues();
            assertThat(out).extracting(SessionSummary::startMs, SessionSummary::endMs, SessionSummary::events).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(T0, T0 + 4 * GAP, 5L),
                    org.assertj.core.groups.Tuple.tuple(W - GAP + 2, W - GAP + 2, 1L),
                    org.assertj.core.groups.Tuple.tuple(T0 + 9 * GAP, T0 + 10 * GAP, 2L));
            assertThat(lateOf(h.getSideOutput(LATE))).hasSize(1).allMatch(l -> l.contains("trackId=late"));
        }
    }

    private static final org.apache.flink.util.OutputTag<Listen> LATE =
            new org.apache.flink.util.OutputTag<>("late", TypeInformation.of(Listen.class));

    private static KeyedOneInputStreamOperatorTestHarness<String, Listen, SessionSummary> listenerSessions() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ListenerSessions(GAP, 3, LATE)),
                Listen::userKey, Types.STRING);
    }

    /** Sessions with their timestamps and late events, each sorted. */
    private record Outcome(List<String> sessions, List<String> late) {}

    /** {@code inputs} (events and watermarks) through {@link #flinkSessionWindows()}, which must then hold no state. */
    private static Outcome throughFlinkSessionWindows(List<Object> inputs) throws Exception {
        try (var reference = flinkSessionWindows()) {
            reference.open();
            feed(reference, inputs, 0, inputs.size());
            assertThat(reference.numKeyedStateEntries()).isZero();
            return new Outcome(sorted(reference.getOutput()), lateOf(reference.getSideOutput(LATE)));
        }
    }

    /** The operator session-features used before {@link ListenerSessions}: the reference its results must equal. */
    private static KeyedOneInputStreamOperatorTestHarness<String, Listen, SessionSummary> flinkSessionWindows() throws Exception {
        WindowOperatorBuilder<Listen, String, TimeWindow> builder = new WindowOperatorBuilder<>(
                EventTimeSessionWindows.withGap(Duration.ofMillis(GAP)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(Listen.class), (KeySelector<Listen, String>) Listen::userKey, Types.STRING);
        builder.sideOutputLateData(LATE);
        WindowOperator<String, Listen, ?, SessionSummary, TimeWindow> op = builder.aggregate(new Fold(3), new Summarise(3),
                TypeInformation.of(SessionAccumulator.class));
        return new KeyedOneInputStreamOperatorTestHarness<>(op, Listen::userKey, Types.STRING);
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Listen, SessionSummary> h, List<Object> inputs,
            int from, int to) throws Exception {
        for (Object in : inputs.subList(from, to)) {
            if (in instanceof Listen l) {
                add(h, l);
            } else {
                h.processWatermark((Long) in);
            }
        }
    }

    /** Sessions with their record timestamps, in a stable order (keys' sessions that close at once may come in any order). */
    private static List<String> sorted(java.util.Collection<Object> output) {
        return output.stream().filter(o -> o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?>)
                .map(o -> (org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?>) o)
                .map(r -> r.getTimestamp() + " " + r.getValue()).sorted().toList();
    }

    private static List<String> lateOf(java.util.Collection<? extends org.apache.flink.streaming.runtime.streamrecord.StreamRecord<Listen>> late) {
        return late == null ? List.of() : late.stream().map(r -> r.getValue().toString()).sorted().toList();
    }

    private static final class Fold implements org.apache.flink.api.common.functions.AggregateFunction<Listen, SessionAccumulator, SessionAccumulator> {
        private final int recentLimit;

        Fold(int recentLimit) {
            this.recentLimit = recentLimit;
        }

        @Override
        public SessionAccumulator createAccumulator() {
            return new SessionAccumulator();
        }

        @Override
        public SessionAccumulator add(Listen e, SessionAccumulator acc) {
            acc.add(e, recentLimit);
            return acc;
        }

        @Override
        public SessionAccumulator getResult(SessionAccumulator acc) {
            return acc;
        }

        @Override
        public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
            return a.merge(b, recentLimit);
        }
    }

    private static final class Summarise extends org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction<
            SessionAccumulator, SessionSummary, String, TimeWindow> {
        private final int recentLimit;

        Summarise(int recentLimit) {
            this.recentLimit = recentLimit;
        }

        @Override
        public void process(String key, Context ctx, Iterable<SessionAccumulator> accs,
                org.apache.flink.util.Collector<SessionSummary> out) {
            out.collect(accs.iterator().next().summary(key, recentLimit));
        }
    }

    private static void add(KeyedOneInputStreamOperatorTestHarness<String, Listen, SessionSummary> h, Listen l) throws Exception {
        h.processElement(l, l.eventTimeMs());
    }

    private static Listen listen(String track, String type, long played, long ts, String activity, String artist, String genres) {
        return new Listen("acme", "u1", track, type, played, 200_000, ts, activity, 1, artist, genres);
    }

    private static SessionSummary session(long start, long plays, long skips, long playedMs, String recent, String genreMs) {
        return new SessionSummary("acme", "u1", start, start + 60_000, plays, plays, 0, skips, playedMs, 1, 1, "", "none", 8, 5, recent,
                genreMs);
    }
}
