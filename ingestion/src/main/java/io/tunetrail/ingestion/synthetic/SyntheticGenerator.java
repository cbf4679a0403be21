package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Catalog;
import io.tunetrail.model.InteractionEvent;
import io.tunetrail.model.PlanCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Generates a realistic demo world: orgs, listeners and music ({@link #catalog()}) and their listening events
 * ({@link #interactions}), with patterns planted for the platform's models to find ({@link #groundTruth()}).
 *
 * <p>Output depends only on the {@link GeneratorSettings}: the same settings give an equal catalog and the same events
 * in the same order with the same {@code client_event_id}s (so re-publishing a demo is idempotent); any change of
 * settings gives new ids. Events come in global event-time order (ties by org, then listener), as live traffic would,
 * so streaming jobs see sane watermarks; they are produced on the fly and never held.
 *
 * <p>Planted patterns (each measurable from the catalog and events alone):
 * <ul>
 *   <li><b>Taste clusters.</b> Every listener belongs to one of eight clusters (mainstream pop, hip-hop heads, rock and
 *       metal, clubbers, latin, indie and folk, focus, calm classical), each with 2-3 core genres holding 80-90% of
 *       its affinity; a listener's own weights are the cluster's, each scaled by a log-normal factor. Each cluster
 *       also favours a quarter of each genre's artists (4x their popularity), so co-listening follows the clusters at
 *       the track level too, not only by genre. Listeners have a heavy rotation of 12 tracks (22% of their plays
 *       outside activity sessions) and explore random genres 4-14% of the time.
 *   <li><b>Genre correlations.</b> hip-hop/rnb, rock/metal, lofi/jazz and classical/ambient share a cluster and are
 *       heard together in sessions several times more often than chance (lift well above 1.5); genres of unrelated
 *       clusters (e.g. metal/classical) are heard together less than chance. 8% of the tracks of a paired genre also
 *       carry the partner genre (a third {@code genreIds} entry).
 *   <li><b>Sessions.</b> Listening comes in sessions of consecutive tracks (about 5-25, by routine); within a
 *       session consecutive events are at most 20 minutes apart, sessions are more than 30 minutes apart
 *       ({@link GroundTruth#SESSION_GAP}). Within a session the next track stays in the same genre half the time.
 *   <li><b>Time of day and week</b> (local time of the org's zone, {@link GroundTruth#zone}). Routines ({@link Habit})
 *       give a weekday morning commute peak 07:00-09:00, a lunch bump, an evening peak 19:00-23:00 (the busiest),
 *       weekend daytime listening 10:00-19:00 instead of commutes, Friday/Saturday night parties and near silence
 *       02:00-05:00. Each listener has their own subset of routines and activity level (log-normal).
 *   <li><b>Activities and audio features.</b> Workout sessions pick fast, energetic tracks; study calm, instrumental
 *       ones; sleep slow, quiet, acoustic ones (ambient, classical); party danceable, energetic, happy ones (see
 *       {@link ActivityFit}). Clusters differ in routines: calm classical and focus listeners study and sleep, clubbers
 *       and latin listeners party. 85% of activity sessions report their activity; the rest say {@code none}.
 *   <li><b>Skips.</b> About a quarter of plays are skips (2-30 s played); out-of-taste tracks are skipped about three
 *       times as often as in-taste ones, heavy-rotation tracks far less, popular tracks a little less, and tracks
 *       that do not suit the session's activity more.
 *   <li><b>Signals.</b> Likes (about 3% of non-skipped plays in taste, 1% out of taste, double for heavy rotation),
 *       playlist adds (about 2% / 0.4%) and dislikes (1% / 6% of skips) follow their play within the track.
 *   <li><b>Popularity.</b> Track play weight is Zipf (exponent 0.9) over a popularity rank that favours famous
 *       artists; {@code Track.popularity} (0-100) follows the rank.
 * </ul>
 *
 * <p>Event fields: {@code skip} has {@code played_ms} under 30 s; {@code complete} has {@code played_ms} equal to
 * {@code track_duration_ms}; {@code play} is a partial play of at least 30 s (mostly the last track of a session);
 * {@code like}, {@code dislike} and {@code add_to_playlist} carry the playback position at which they happened and are
 * not plays (do not add their {@code played_ms} to listening time). {@code count} is always 1.
 */
public final class SyntheticGenerator {
    private final GeneratorSettings settings;
    private final List<OrgWorld> worlds;
    private GroundTruth groundTruth;

    /** A generator using the plan catalog shipped in the model jar. */
    public SyntheticGenerator(GeneratorSettings settings) {
        this(settings, PlanCatalog.load());
    }

    /** Fails when a plan of the settings is not in {@code plans}. */
    public SyntheticGenerator(GeneratorSettings settings, PlanCatalog plans) {
        this.settings = settings;
        List<OrgWorld> built = new ArrayList<>(settings.orgs());
        for (int i = 0; i < settings.orgs(); i++) {
            built.add(CatalogBuilder.build(settings, i, plans));
        }
        this.worlds = List.copyOf(built);
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** Orgs, listeners, artists, genres (with subgenres), tracks and the audio features of every track. */
    public Catalog catalog() {
        return Catalog.concat(worlds.stream()
                .map(w -> new Catalog(List.of(w.org), w.users, w.artists, w.genres, w.tracks, w.features))
                .toList());
    }

    /** What was planted: each listener's cluster, the clusters' genre affinities, the correlated genre pairs. */
    public synchronized GroundTruth groundTruth() {
        if (groundTruth == null) {
            groundTruth = new GroundTruth(worlds);
        }
        return groundTruth;
    }

    /**
     * Each listener's planted preference for a track of their org: the chance that one of their track picks (outside
     * activity sessions) is that track; 0 for a listener or track the generator did not make. What an oracle
     * recommender ranks by; fails for an org the generator did not make.
     */
    public java.util.function.ToDoubleBiFunction<String, String> truePreferences(String orgId) {
        OrgWorld w = worlds.stream().filter(x -> x.orgId().equals(orgId)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no generated org '" + orgId + "'"));
        Map<String, Listener> listeners = new java.util.HashMap<>();
        for (int u = 0; u < w.users.size(); u++) {
            listeners.put(w.users.get(u).userId(), new Listener(w, u, Rand.mix(settings.seed(), w.index), settings.fingerprint()));
        }
        Map<String, Integer> tracks = new java.util.HashMap<>();
        for (int t = 0; t < w.trackIndex.trackIds.length; t++) {
            tracks.put(w.trackIndex.trackIds[t], t);
        }
        return (userId, trackId) -> {
            Listener l = listeners.get(userId);
            Integer t = tracks.get(trackId);
            return l == null || t == null ? 0 : l.truePreference(t);
        };
    }

    /**
     * Streams every event, in event-time order, to {@code sink} and returns how many there were. Each call starts
     * from the beginning and gives the same events. Single-threaded; the sink is called on the caller's thread.
     */
    public long interactions(Consumer<? super InteractionEvent> sink) {
        long fingerprint = settings.fingerprint();
        int listeners = worlds.stream().mapToInt(w -> w.users.size()).sum();
        ListenerQueue queue = new ListenerQueue(listeners);
        int order = 0;
        for (OrgWorld w : worlds) {
            for (int u = 0; u < w.users.size(); u++, order++) {
                Listener listener = new Listener(w, u, Rand.mix(settings.seed(), w.index), fingerprint);
                if (listener.advance()) {
                    queue.add(listener, order);
                }
            }
        }
        long count = 0;
        while (!queue.isEmpty()) {
            Listener listener = queue.top();
            sink.accept(listener.next);
            count++;
            queue.topChanged(listener.advance());
        }
        return count;
    }
}
