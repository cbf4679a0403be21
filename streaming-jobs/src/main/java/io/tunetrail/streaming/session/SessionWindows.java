package io.tunetrail.streaming.session;

import io.tunetrail.model.Activity;
import io.tunetrail.streaming.common.Listen;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** The session window's functions: fold events into a {@link SessionAccumulator}, then summarise the closed session. */
public final class SessionWindows {
    private SessionWindows() {}

    public static final class Fold implements AggregateFunction<Listen, SessionAccumulator, SessionAccumulator> {
        private final int recentLimit;

        public Fold(int recentLimit) {
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

    /** Key: org|user. */
    public static final class Summarise extends ProcessWindowFunction<SessionAccumulator, SessionSummary, String, TimeWindow> {
        private final int recentLimit;

        public Summarise(int recentLimit) {
            this.recentLimit = recentLimit;
        }

        @Override
        public void process(String key, Context ctx, Iterable<SessionAccumulator> accs, Collector<SessionSummary> out) {
            out.collect(summarise(key, accs.iterator().next(), recentLimit));
        }
    }

    public static SessionSummary summarise(String key, SessionAccumulator a, int recentLimit) {
        int bar = key.indexOf('|');
        String topGenre = a.genreMs.entrySet().stream()
                .min(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse("");
        int best = 0;
        for (int i = 1; i < a.activityCounts.length; i++) {
            if (a.activityCounts[i] > a.activityCounts[best]) {
                best = i;
            }
        }
        String genreMs = a.genreMs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        return new SessionSummary(key.substring(0, bar), key.substring(bar + 1), a.firstMs, a.lastMs, a.events, a.tracksPlayed,
                a.completes, a.skips, a.playedMs, a.artists.size(), a.genreMs.size(), topGenre, Activity.values()[best].wireName(),
                SessionSummary.hourOf(a.firstMs), SessionSummary.dayOfWeekOf(a.firstMs), String.join(",", a.recentTracks(recentLimit)),
                genreMs);
    }
}
