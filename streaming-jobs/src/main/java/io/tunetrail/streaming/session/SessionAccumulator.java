package io.tunetrail.streaming.session;

import io.tunetrail.model.Activity;
import io.tunetrail.streaming.common.Listen;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a session keeps while it is open: counts and small sets, never the events themselves, so a
 * long session costs the same memory as a short one. Mergeable, as session windows need when a new event bridges two
 * of them. Mutable on purpose (one instance per open session, updated per event).
 */
public class SessionAccumulator {
    public long firstMs = Long.MAX_VALUE;
    public long lastMs = Long.MIN_VALUE;
    public long events;
    public long tracksPlayed;
    public long completes;
    public long skips;
    public long playedMs;
    public HashMap<String, Long> genreMs = new HashMap<>();
    public HashSet<String> artists = new HashSet<>();
    public long[] activityCounts = new long[Activity.values().length];
    /** Track id to the newest time it was played; pruned to the newest {@code limit}. */
    public HashMap<String, Long> recent = new HashMap<>();

    public SessionAccumulator() {}

    public void add(Listen e, int limit) {
        firstMs = Math.min(firstMs, e.eventTimeMs());
        lastMs = Math.max(lastMs, e.eventTimeMs());
        events += e.count();
        activityCounts[Activity.fromWire(e.activity()).ordinal()] += e.count();
        if (!e.isPlayback()) {
            return;
        }
        tracksPlayed += e.count();
        if (Listen.COMPLETE.equals(e.eventType())) {
            completes += e.count();
        } else if (Listen.SKIP.equals(e.eventType())) {
            skips += e.count();
        }
        long ms = e.playedMs() * e.count();
        playedMs += ms;
        if (!e.artistId().isEmpty()) {
            artists.add(e.artistId());
        }
        if (!e.genreIds().isEmpty()) {
            for (String g : e.genreIds().split(",")) {
                genreMs.merge(g, ms, Long::sum);
            }
        }
        recent.merge(e.trackId(), e.eventTimeMs(), Math::max);
        if (recent.size() > limit) {
            // One event adds at most one track, so dropping the single oldest keeps the newest `limit`: a scan, not
            // the sort of prune(), on every event of a long session.
            recent.remove(Collections.max(recent.entrySet(), NEWEST_FIRST).getKey());
        }
    }

    public SessionAccumulator merge(SessionAccumulator o, int limit) {
        SessionAccumulator m = new SessionAccumulator();
        m.firstMs = Math.min(firstMs, o.firstMs);
        m.lastMs = Math.max(lastMs, o.lastMs);
        m.events = events + o.events;
        m.tracksPlayed = tracksPlayed + o.tracksPlayed;
        m.completes = completes + o.completes;
        m.skips = skips + o.skips;
        m.playedMs = playedMs + o.playedMs;
        m.genreMs.putAll(genreMs);
        o.genreMs.forEach((g, ms) -> m.genreMs.merge(g, ms, Long::sum));
        m.artists.addAll(artists);
        m.artists.addAll(o.artists);
        for (int i = 0; i < activityCounts.length; i++) {
            m.activityCounts[i] = activityCounts[i] + o.activityCounts[i];
        }
        m.recent.putAll(recent);
        o.recent.forEach((t, ts) -> m.recent.merge(t, ts, Math::max));
        m.prune(limit);
        return m;
    }

    /** The closed session's summary; {@code key} is the listener's org|user. */
    public SessionSummary summary(String key, int recentLimit) {
        int bar = key.indexOf('|');
        String topGenre = genreMs.entrySet().stream()
                .min(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse("");
        int best = 0;
        for (int i = 1; i < activityCounts.length; i++) {
            if (activityCounts[i] > activityCounts[best]) {
                best = i;
            }
        }
        String genreMsByName = genreMs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        return new SessionSummary(key.substring(0, bar), key.substring(bar + 1), firstMs, lastMs, events, tracksPlayed,
                completes, skips, playedMs, artists.size(), genreMs.size(), topGenre, Activity.values()[best].wireName(),
                SessionSummary.hourOf(firstMs), SessionSummary.dayOfWeekOf(firstMs), String.join(",", recentTracks(recentLimit)),
                genreMsByName);
    }

    /** Tracks newest first (ties by track id), at most {@code limit}. */
    public List<String> recentTracks(int limit) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(recent.entrySet());
        entries.sort(NEWEST_FIRST);
        return entries.stream().limit(limit).map(Map.Entry::getKey).toList();
    }

    static final Comparator<Map.Entry<String, Long>> NEWEST_FIRST =
            Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private void prune(int limit) {
        if (recent.size() > limit) {
            List<String> keep = recentTracks(limit);
            recent.keySet().retainAll(new HashSet<>(keep));
        }
    }
}
