package io.tunetrail.ingestion.synthetic;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the synthetic generator planted, so that tests and model evaluations can check that it is found again.
 *
 * <p>Genres here are top-level genre ids (the first entry of {@code Track.genreIds()}). A track is "in taste" for a
 * listener when its top-level genre is one of the taste genres of the listener's cluster; listeners also hear other
 * genres, and skip them more. Local times (the hour-of-day and day-of-week habits) are in the org's {@link #zone}.
 * See {@link SyntheticGenerator} for the full list of patterns.
 */
public final class GroundTruth {
    /** Sessions are separated by more than this; within a session consecutive events are at most 20 minutes apart. */
    public static final Duration SESSION_GAP = Duration.ofMinutes(30);

    /** A planted taste cluster: its genre affinities (summing to 1) and the genres that count as its taste. */
    public record TasteCluster(int id, String name, Map<String, Double> genreAffinity, Set<String> tasteGenres) {
        public TasteCluster {
            genreAffinity = Collections.unmodifiableMap(new LinkedHashMap<>(genreAffinity));
            tasteGenres = Collections.unmodifiableSet(new LinkedHashSet<>(tasteGenres));
        }
    }

    /** Two top-level genres that are planted to be listened to together far more often than chance. */
    public record GenrePair(String first, String second) {}

    private static final List<TasteCluster> CLUSTERS = buildClusters();
    private static final List<GenrePair> PAIRS = TasteClusters.CORRELATED_PAIRS.stream()
            .map(p -> new GenrePair(p.get(0), p.get(1))).toList();

    private final Map<String, ZoneId> zones = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> clusterByUser = new HashMap<>();

    GroundTruth(List<OrgWorld> worlds) {
        for (OrgWorld w : worlds) {
            zones.put(w.orgId(), w.zone);
            Map<String, Integer> byUser = new HashMap<>(w.users.size() * 2);
            for (int u = 0; u < w.users.size(); u++) {
                byUser.put(w.users.get(u).userId(), w.userCluster[u]);
            }
            clusterByUser.put(w.orgId(), byUser);
        }
    }

    /** All taste clusters, by id. */
    public List<TasteCluster> clusters() {
        return CLUSTERS;
    }

    /** The planted correlated genre pairs. */
    public List<GenrePair> correlatedGenres() {
        return PAIRS;
    }

    /** The id of the cluster a listener belongs to; fails for a listener the generator did not make. */
    public int clusterOf(String orgId, String userId) {
        Map<String, Integer> byUser = clusterByUser.get(orgId);
        Integer cluster = byUser == null ? null : byUser.get(userId);
        if (cluster == null) {
            throw new IllegalArgumentException("no generated listener '" + userId + "' in org '" + orgId
                    + "'; ask the ground truth of the generator that made the events");
        }
        return cluster;
    }

    /** The taste genres of a listener (those of their cluster). */
    public Set<String> tasteGenres(String orgId, String userId) {
        return CLUSTERS.get(clusterOf(orgId, userId)).tasteGenres();
    }

    /** The home time zone of an org: listeners' routines (commute, evening, weekend) are in its local time. */
    public ZoneId zone(String orgId) {
        ZoneId zone = zones.get(orgId);
        if (zone == null) {
            throw new IllegalArgumentException("no generated org '" + orgId + "'; known: " + String.join(", ", zones.keySet()));
        }
        return zone;
    }

    private static List<TasteCluster> buildClusters() {
        List<TasteCluster> out = new ArrayList<>();
        for (int c = 0; c < TasteClusters.COUNT; c++) {
            Map<String, Double> affinity = new LinkedHashMap<>();
            Set<String> taste = new LinkedHashSet<>();
            for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
                affinity.put(GenreTaxonomy.id(g), TasteClusters.affinity(c)[g]);
                if (TasteClusters.inTaste(c, g)) {
                    taste.add(GenreTaxonomy.id(g));
                }
            }
            out.add(new TasteCluster(c, TasteClusters.CLUSTERS.get(c).name(), affinity, taste));
        }
        return List.copyOf(out);
    }
}
