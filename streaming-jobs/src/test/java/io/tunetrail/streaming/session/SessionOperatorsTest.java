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
        WindowOperatorBuilder<Listen, String, TimeWindow> builder = new WindowOperatorBuilder<>(
                EventTimeSessionWindows.withGap(Duration.ofMillis(GAP)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(Listen.class), (KeySelector<Listen, String>) Listen::userKey, Types.STRING);
        WindowOperator<String, Listen, ?, SessionSummary, TimeWindow> op = builder.aggregate(new SessionWindows.Fold(3),
                new SessionWindows.Summarise(3), TypeInformation.of(SessionAccumulator.class));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, Listen::userKey, Types.STRING)) {
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
