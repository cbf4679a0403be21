package io.tunetrail.streaming.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per listener (key org|user): folds each closed session into the rolling features of the last 7 days (by event
 * time, relative to the newest session's end) and the most recent tracks, and emits the listener's new row.
 *
 * <p>State is the sessions of the last 7 days, the recent tracks and the pending clean-up timer. Sessions of one
 * listener arrive in order (their windows fire in event-time order). When 7 days pass in event time without a new
 * session, the timer clears all of the listener's state; the online row expires by its own TTL at about the same time.
 */
public final class UserFeaturesFunction extends KeyedProcessFunction<String, SessionSummary, UserFeatures> {
    static final long WINDOW_MS = 7L * 24 * 3600 * 1000;
    static final int TOP_GENRES = 5;

    private final int recentLimit;
    private transient ListState<SessionSummary> sessions;
    private transient ValueState<String> recentTracks;
    private transient ValueState<Long> cleanupAt;

    public UserFeaturesFunction(int recentLimit) {
        this.recentLimit = recentLimit;
    }

    @Override
    public void open(Configuration parameters) {
        sessions = getRuntimeContext().getListState(new ListStateDescriptor<>("sessions-7d", TypeInformation.of(SessionSummary.class)));
        recentTracks = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-tracks", Types.STRING));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
    }

    @Override
    public void processElement(SessionSummary s, Context ctx, Collector<UserFeatures> out) throws Exception {
        List<SessionSummary> kept = new ArrayList<>();
        for (SessionSummary old : sessions.get()) {
            if (old.endMs() > s.endMs() - WINDOW_MS) {
                kept.add(old);
            }
        }
        kept.add(s);
        sessions.update(kept);

        LinkedHashSet<String> recent = new LinkedHashSet<>();
        addAll(recent, s.recentTracks());
        addAll(recent, recentTracks.value());
        String recentJoined = recent.stream().limit(recentLimit).collect(Collectors.joining(","));
        recentTracks.update(recentJoined);

        Long previous = cleanupAt.value();
        if (previous != null) {
            ctx.timerService().deleteEventTimeTimer(previous);
        }
        long at = s.endMs() + WINDOW_MS;
        ctx.timerService().registerEventTimeTimer(at);
        cleanupAt.update(at);

        out.collect(features(s.orgId(), s.userId(), kept, recentJoined, s.endMs()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserFeatures> out) {
        sessions.clear();
        recentTracks.clear();
        cleanupAt.clear();
    }

    static UserFeatures features(String org, String user, List<SessionSummary> window, String recent, long newestEnd) {
        long plays = 0;
        long skips = 0;
        long playedMs = 0;
        Map<String, Long> genreMs = new HashMap<>();
        for (SessionSummary s : window) {
            plays += s.tracksPlayed();
            skips += s.skips();
            playedMs += s.playedMs();
            addGenreMs(genreMs, s.genreMs());
        }
        String top = genreMs.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_GENRES).map(Map.Entry::getKey).collect(Collectors.joining(","));
        return new UserFeatures(org, user, window.size(), playedMs / 60_000.0, plays == 0 ? 0.0 : (double) skips / plays, top, recent,
                newestEnd);
    }

    /**
     * Adds a session's "g=ms;g=ms" to the totals. Every session of the last 7 days is read again for each new one,
     * so this walks the string in place instead of splitting it into arrays of pieces.
     */
    static void addGenreMs(Map<String, Long> totals, String genreMs) {
        int start = 0;
        int n = genreMs.length();
        while (start < n) {
            int end = genreMs.indexOf(';', start);
            if (end < 0) {
                end = n;
            }
            int eq = genreMs.lastIndexOf('=', end - 1);
            totals.merge(genreMs.substring(start, eq), Long.parseLong(genreMs, eq + 1, end, 10), Long::sum);
            start = end + 1;
        }
    }

    private static void addAll(LinkedHashSet<String> into, String joined) {
        if (joined != null && !joined.isEmpty()) {
            for (String t : joined.split(",")) {
                into.add(t);
            }
        }
    }
}
