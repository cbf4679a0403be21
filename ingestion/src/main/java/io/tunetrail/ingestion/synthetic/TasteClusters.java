package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import java.util.List;
import java.util.Map;

/**
 * The planted taste clusters: who likes what, and which activities each kind of listener tends to do.
 *
 * <p>Each cluster puts most of its weight on two or three "core" genres and spreads the rest evenly over all other
 * genres, so every listener still wanders outside their taste now and then. The correlated genre pairs are the core
 * pairs that share a cluster and appear together in no other; they are what a genre-correlation model must find.
 */
final class TasteClusters {
    private TasteClusters() {}

    /** Core genres at or above this affinity are the cluster's taste; everything else is out of taste. */
    static final double TASTE_THRESHOLD = 0.15;

    /**
     * One cluster. {@code share} is the fraction of listeners in it; {@code activityBias} multiplies the chance that
     * a listener of this cluster has a habit of each activity (indexed by {@link Activity#ordinal()}).
     */
    record Def(String name, double share, Map<String, Double> core, double[] activityBias) {}

    /** Bias per activity in {@link Activity} order: workout, study, sleep, commute, party, none. */
    private static double[] bias(double workout, double study, double sleep, double party) {
        return new double[] {workout, study, sleep, 1.0, party, 1.0};
    }

    static final List<Def> CLUSTERS = List.of(
            new Def("hip-hop heads", 0.16, Map.of("hip-hop", 0.47, "rnb", 0.36, "pop", 0.06, "latin", 0.04),
                    bias(1.6, 0.6, 0.5, 1.6)),
            new Def("rock and metal", 0.12, Map.of("rock", 0.48, "metal", 0.34, "pop", 0.05),
                    bias(1.5, 0.7, 0.4, 0.8)),
            new Def("focus", 0.10, Map.of("lofi", 0.42, "jazz", 0.34, "electronic", 0.05),
                    bias(0.5, 2.6, 1.4, 0.4)),
            new Def("calm classical", 0.10, Map.of("classical", 0.50, "ambient", 0.32, "jazz", 0.05),
                    bias(0.3, 2.0, 2.6, 0.2)),
            new Def("clubbers", 0.12, Map.of("electronic", 0.55, "pop", 0.20, "latin", 0.08),
                    bias(1.6, 0.6, 0.4, 2.6)),
            new Def("mainstream", 0.20, Map.of("pop", 0.60, "electronic", 0.08, "latin", 0.06, "rnb", 0.05, "hip-hop", 0.05),
                    bias(1.0, 0.8, 0.8, 1.2)),
            new Def("latin", 0.10, Map.of("latin", 0.60, "pop", 0.18, "hip-hop", 0.06),
                    bias(1.2, 0.5, 0.5, 2.2)),
            new Def("indie and folk", 0.10, Map.of("folk", 0.45, "rock", 0.28, "pop", 0.10),
                    bias(0.7, 1.3, 1.3, 0.6)));

    static final int COUNT = CLUSTERS.size();

    /** The planted correlated genre pairs (top-level genre ids); also the pairs that crossover tracks combine. */
    static final List<List<String>> CORRELATED_PAIRS = List.of(
            List.of("hip-hop", "rnb"),
            List.of("rock", "metal"),
            List.of("lofi", "jazz"),
            List.of("classical", "ambient"));

    private static final double[][] AFFINITY = new double[COUNT][];
    private static final double[] SHARES = new double[COUNT];

    static {
        for (int c = 0; c < COUNT; c++) {
            Def def = CLUSTERS.get(c);
            double[] a = new double[GenreTaxonomy.COUNT];
            double core = 0;
            for (Map.Entry<String, Double> e : def.core().entrySet()) {
                a[GenreTaxonomy.index(e.getKey())] = e.getValue();
                core += e.getValue();
            }
            int others = GenreTaxonomy.COUNT - def.core().size();
            for (int g = 0; g < a.length; g++) {
                if (a[g] == 0) {
                    a[g] = (1.0 - core) / others;
                }
            }
            AFFINITY[c] = a;
            SHARES[c] = def.share();
        }
    }

    /** The cluster's genre affinity, indexed like {@link GenreTaxonomy#GENRES}, summing to 1. Do not modify. */
    static double[] affinity(int cluster) {
        return AFFINITY[cluster];
    }

    static boolean inTaste(int cluster, int genre) {
        return AFFINITY[cluster][genre] >= TASTE_THRESHOLD;
    }

    /** Cluster shares in cluster order, for drawing a listener's cluster. Do not modify. */
    static double[] shares() {
        return SHARES;
    }

    /** The genre a crossover track of this genre adds, or -1 when the genre is in no correlated pair. */
    static int crossoverPartner(int genre) {
        String id = GenreTaxonomy.id(genre);
        for (List<String> pair : CORRELATED_PAIRS) {
            if (pair.get(0).equals(id)) {
                return GenreTaxonomy.index(pair.get(1));
            }
            if (pair.get(1).equals(id)) {
                return GenreTaxonomy.index(pair.get(0));
            }
        }
        return -1;
    }
}
