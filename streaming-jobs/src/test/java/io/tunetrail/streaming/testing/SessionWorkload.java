package io.tunetrail.streaming.testing;

import io.tunetrail.model.Activity;
import io.tunetrail.model.Artist;
import io.tunetrail.model.Catalog;
import io.tunetrail.model.Device;
import io.tunetrail.model.EndUser;
import io.tunetrail.model.EventCodec;
import io.tunetrail.model.EventType;
import io.tunetrail.model.Genre;
import io.tunetrail.model.InteractionContext;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.Org;
import io.tunetrail.model.Track;
import io.tunetrail.streaming.common.StreamSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Listening sessions for the session-features ITs: a small catalog (some tracks deliberately missing from it), listeners
 * with sessions over ten days (some sessions only 25 minutes apart, so they are one session), out-of-order and late
 * events, two malformed records; and the ground truth, computed here in plain Java from the same records: which are
 * late (the documented per-partition rule), every session's features, and each listener's final online row.
 */
public final class SessionWorkload {
    /** A session as the job must report it (the sessions topic's fields). */
    public record ExpectedSession(String user, Instant start, Instant end, long events, long tracksPlayed, double completionRate,
            double skipRate, double minutesListened, int distinctArtists, int distinctGenres, String topGenre, String dominantActivity,
            int hourOfDay, int dayOfWeek) {}

    /** A listener's online row as the job must leave it. */
    public record ExpectedUser(long sessions7d, double minutes7d, double skipRate7d, List<String> topGenres, List<String> recentTracks,
            long updatedAtMs) {}

    private record Rec(int partition, byte[] value, InteractionEvent event) {}

    private final String org;
    private final Catalog catalog;
    private final Map<String, String[]> trackInfo = new HashMap<>();
    private final List<Rec> recs = new ArrayList<>();
    private final Set<ExpectedSession> sessions = new HashSet<>();
    private final Map<String, ExpectedUser> users = new TreeMap<>();
    private long accepted;
    private long late;
    private long malformed;

    private SessionWorkload(String org, Catalog catalog) {
        this.org = org;
        this.catalog = catalog;
    }

    /** The catalog to load into PostgreSQL before the job runs. */
    public Catalog catalog() {
        return catalog;
    }

    public static SessionWorkload build(String org, long seed, StreamSettings s) {
        Random rnd = new Random(seed);
        List<Genre> genres = new ArrayList<>();
        for (String g : List.of("rock", "pop", "jazz", "metal", "lofi", "classical")) {
            genres.add(new Genre(org, "g-" + g, g, null));
        }
        List<Artist> artists = new ArrayList<>();
        for (int a = 0; a < 12; a++) {
            artists.add(new Artist(org, "a-" + a, "Artist " + a));
        }
        List<Track> tracks = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            List<String> g = new ArrayList<>(List.of(genres.get(t % 6).genreId()));
            if (t % 4 == 0) {
                g.add(genres.get((t / 4) % 6).genreId().equals(g.get(0)) ? genres.get((t + 1) % 6).genreId() : genres.get((t / 4) % 6).genreId());
            }
            tracks.add(new Track(org, "t-" + t, "Track " + t, artists.get(t % 12).artistId(), null, null, 200_000, 50, g));
        }
        List<EndUser> listeners = new ArrayList<>();
        for (int u = 0; u < 8; u++) {
            listeners.add(new EndUser(org, "u-" + u, null, null));
        }
        Catalog catalog = new Catalog(List.of(new Org(org, "Session IT", "pro")), listeners, artists, genres, tracks, List.of());
        SessionWorkload w = new SessionWorkload(org, catalog);
        for (Track t : tracks) {
            w.trackInfo.put(t.trackId(), new String[] {t.artistId(), String.join(",", t.genreIds())});
        }
        w.generate(rnd, s);
        w.computeTruth(s);
        return w;
    }

    private void generate(Random rnd, StreamSettings s) {
        EventCodec<InteractionEvent> codec = EventCodec.interactions();
        Instant base = LocalDate.now(ZoneOffset.UTC).minusDays(12).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<InteractionEvent> all = new ArrayList<>();
        int id = 0;
        for (int u = 0; u < 8; u++) {
            Instant t = base.plusSeconds(rnd.nextInt(7200));
            while (t.isBefore(base.plus(10, ChronoUnit.DAYS))) {
                Activity activity = Activity.values()[rnd.nextInt(Activity.values().length)];
                int tracksInSession = 2 + rnd.nextInt(10);
                for (int k = 0; k < tracksInSession; k++) {
                    String track = rnd.nextInt(15) == 0 ? "unknown-" + rnd.nextInt(3) : "t-" + rnd.nextInt(60);
                    double r = rnd.nextDouble();
                    EventType type = r < 0.25 ? EventType.SKIP : r < 0.8 ? EventType.COMPLETE : EventType.PLAY;
                    long played = type == EventType.SKIP ? 2_000 + rnd.nextInt(28_000) : type == EventType.COMPLETE ? 200_000 : 30_000 + rnd.nextInt(150_000);
                    Activity a = rnd.nextInt(5) == 0 ? Activity.NONE : activity;
                    all.add(new InteractionEvent(org, "u-" + u, track, type, played, 200_000, t,
                            new InteractionContext(Device.MOBILE, a), "e-" + (id++), rnd.nextInt(20) == 0 ? 2 : 1));
                    if (type != EventType.SKIP && rnd.nextInt(8) == 0) {
                        all.add(new InteractionEvent(org, "u-" + u, track, EventType.LIKE, played / 2, 200_000, t.plusMillis(played / 2),
                                new InteractionContext(Device.MOBILE, a), "e-" + (id++), 1));
                    }
                    t = t.plusMillis(Math.max(played, 1000) + rnd.nextInt(240_000));
                }
                // Mostly separate sessions; one in six follows within 25 minutes and joins the same session.
                t = t.plusSeconds(rnd.nextInt(6) == 0 ? 60 * (5 + rnd.nextInt(20)) : 3600 * (1 + rnd.nextInt(20)));
            }
        }
        all.sort(Comparator.comparing(InteractionEvent::eventTime).thenComparing(InteractionEvent::clientEventId));
        // Arrival order: mostly event-time order; some events arrive up to 40 s late (within the bound), some hours late.
        List<InteractionEvent> arrival = new ArrayList<>(all);
        for (int i = 1; i < arrival.size(); i++) {
            if (rnd.nextInt(12) == 0 && Math.abs(arrival.get(i).eventTime().toEpochMilli() - arrival.get(i - 1).eventTime().toEpochMilli()) < 40_000) {
                InteractionEvent x = arrival.get(i);
                arrival.set(i, arrival.get(i - 1));
                arrival.set(i - 1, x);
            }
        }
        for (int i = 0; i < arrival.size(); i++) {
            InteractionEvent e = arrival.get(i);
            if (rnd.nextInt(40) == 0) {
                e = new InteractionEvent(e.orgId(), e.userId(), e.trackId(), e.eventType(), e.playedMs(), e.trackDurationMs(),
                        e.eventTime().minus(2 + rnd.nextInt(10), ChronoUnit.HOURS), e.context(), e.clientEventId() + "-late", e.count());
            }
            recs.add(new Rec(Math.floorMod(e.userId().hashCode(), StreamTestKit.PARTITIONS), codec.encode(e), e));
            if (i == arrival.size() / 3) {
                recs.add(new Rec(0, "{\"org_id\":\"".getBytes(StandardCharsets.UTF_8), null));
                recs.add(new Rec(1, ("{\"org_id\":\"" + org + "\",\"event_type\":\"play\"}").getBytes(StandardCharsets.UTF_8), null));
            }
        }
    }

    public void send(StreamTestKit kit, StreamSettings s) {
        for (Rec r : recs) {
            kit.send(s.interactionsTopic(), r.partition, null, r.value);
        }
        kit.flush();
    }

    private void computeTruth(StreamSettings s) {
        Map<Integer, Long> newest = new HashMap<>();
        Map<String, List<InteractionEvent>> byUser = new TreeMap<>();
        for (Rec r : recs) {
            if (r.event == null) {
                malformed++;
                continue;
            }
            long ts = r.event.eventTime().toEpochMilli();
            Long max = newest.get(r.partition);
            if (max != null && ts < max - s.latenessBoundMs()) {
                late++;
                continue;
            }
            newest.put(r.partition, max == null ? ts : Math.max(max, ts));
            accepted++;
            byUser.computeIfAbsent(r.event.userId(), u -> new ArrayList<>()).add(r.event);
        }
        for (Map.Entry<String, List<InteractionEvent>> e : byUser.entrySet()) {
            List<InteractionEvent> events = new ArrayList<>(e.getValue());
            events.sort(Comparator.comparing(InteractionEvent::eventTime));
            List<List<InteractionEvent>> split = new ArrayList<>();
            for (InteractionEvent ev : events) {
                List<InteractionEvent> last = split.isEmpty() ? null : split.get(split.size() - 1);
                if (last == null || ev.eventTime().toEpochMilli() - last.get(last.size() - 1).eventTime().toEpochMilli() > s.sessionGapMs()) {
                    split.add(new ArrayList<>(List.of(ev)));
                } else {
                    last.add(ev);
                }
            }
            List<long[]> stats = new ArrayList<>();
            List<Map<String, Long>> genreMsPerSession = new ArrayList<>();
            for (List<InteractionEvent> session : split) {
                Map<String, Long> genreMs = new HashMap<>();
                sessions.add(session(e.getKey(), session, genreMs));
                genreMsPerSession.add(genreMs);
                long plays = 0;
                long skips = 0;
                long played = 0;
                for (InteractionEvent ev : session) {
                    if (playback(ev)) {
                        plays += ev.count();
                        skips += ev.eventType() == EventType.SKIP ? ev.count() : 0;
                        played += ev.playedMs() * ev.count();
                    }
                }
                stats.add(new long[] {session.get(session.size() - 1).eventTime().toEpochMilli(), plays, skips, played});
            }
            long newestEnd = stats.get(stats.size() - 1)[0];
            long n = 0;
            long plays = 0;
            long skips = 0;
            long played = 0;
            Map<String, Long> genreMs = new HashMap<>();
            for (int i = 0; i < stats.size(); i++) {
                if (stats.get(i)[0] > newestEnd - 7L * 24 * 3600 * 1000) {
                    n++;
                    plays += stats.get(i)[1];
                    skips += stats.get(i)[2];
                    played += stats.get(i)[3];
                    genreMsPerSession.get(i).forEach((g, ms) -> genreMs.merge(g, ms, Long::sum));
                }
            }
            List<String> top = genreMs.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(5).map(Map.Entry::getKey).toList();
            List<InteractionEvent> newestFirst = events.stream().filter(SessionWorkload::playback)
                    .sorted(Comparator.comparing(InteractionEvent::eventTime).reversed().thenComparing(InteractionEvent::trackId)).toList();
            LinkedHashSet<String> recent = new LinkedHashSet<>();
            for (InteractionEvent ev : newestFirst) {
                if (recent.size() < s.recentTracks()) {
                    recent.add(ev.trackId());
                }
            }
            users.put(e.getKey(), new ExpectedUser(n, played / 60_000.0, plays == 0 ? 0.0 : (double) skips / plays, top,
                    List.copyOf(recent), newestEnd));
        }
    }

    private ExpectedSession session(String user, List<InteractionEvent> events, Map<String, Long> genreMs) {
        long count = 0;
        long plays = 0;
        long completes = 0;
        long skips = 0;
        long played = 0;
        Set<String> artists = new HashSet<>();
        Map<Activity, Long> activities = new HashMap<>();
        for (InteractionEvent e : events) {
            count += e.count();
            activities.merge(e.context().activity(), (long) e.count(), Long::sum);
            if (!playback(e)) {
                continue;
            }
            plays += e.count();
            completes += e.eventType() == EventType.COMPLETE ? e.count() : 0;
            skips += e.eventType() == EventType.SKIP ? e.count() : 0;
            played += e.playedMs() * e.count();
            String[] info = trackInfo.get(e.trackId());
            if (info != null) {
                artists.add(info[0]);
                for (String g : info[1].split(",")) {
                    genreMs.merge(g, e.playedMs() * e.count(), Long::sum);
                }
            }
        }
        String top = genreMs.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        Activity dominant = Activity.values()[0];
        for (Activity a : Activity.values()) {
            if (activities.getOrDefault(a, 0L) > activities.getOrDefault(dominant, 0L)) {
                dominant = a;
            }
        }
        Instant start = events.get(0).eventTime();
        ZonedDateTime z = start.atZone(ZoneOffset.UTC);
        return new ExpectedSession(user, start, events.get(events.size() - 1).eventTime(), count, plays,
                plays == 0 ? 0.0 : (double) completes / plays, plays == 0 ? 0.0 : (double) skips / plays, played / 60_000.0,
                artists.size(), genreMs.size(), top, dominant.wireName(), z.getHour(), z.getDayOfWeek().getValue());
    }

    private static boolean playback(InteractionEvent e) {
        return e.eventType() == EventType.PLAY || e.eventType() == EventType.SKIP || e.eventType() == EventType.COMPLETE;
    }

    public String org() {
        return org;
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

    public long malformed() {
        return malformed;
    }

    public Set<ExpectedSession> sessions() {
        return sessions;
    }

    public Map<String, ExpectedUser> users() {
        return users;
    }
}
