package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import io.tunetrail.model.AudioFeatures;
import java.util.List;

/**
 * One org's tracks arranged for fast sampling: by genre, weighted per taste cluster, with each track's fit for each
 * activity precomputed. Built once per org; read by every listener of the org.
 */
final class TrackIndex {
    /** How much more a cluster plays the artists it favours than their popularity alone would give. */
    static final double FAVOURITE_ARTIST_BOOST = 8.0;
    /** Share of each genre's artists that a cluster favours. */
    static final double FAVOURITE_ARTIST_SHARE = 0.2;

    final String[] trackIds;
    final int[] genre;
    final long[] durationMs;
    /** Popularity as a 0..1 fraction (popularity / 100), for the skip model. */
    final double[] popularity;
    /** Fit of each track per activity ordinal; null for activities that do not select by fit. */
    final float[][] fit;
    /** Track indices of each top-level genre (by primary genre). */
    final int[][] genreTracks;
    /** Cumulative play weights, [cluster][genre], aligned with {@link #genreTracks}. */
    final double[][][] clusterGenreCdf;
    /** Mean fit of each genre's tracks per activity ordinal; 1 for activities that do not select by fit. */
    final double[][] genreFit;

    /**
     * @param weights     Zipf play weight of each track (from its popularity rank)
     * @param trackGenre  primary top-level genre index of each track
     * @param trackArtist artist index of each track
     * @param favourite   decides whether a cluster favours an artist: (cluster, artist) to true/false
     */
    TrackIndex(List<String> ids, long[] durations, int[] popularity, double[] weights, int[] trackGenre,
               int[] trackArtist, List<AudioFeatures> features, FavouriteRule favourite) {
        int n = ids.size();
        this.trackIds = ids.toArray(new String[0]);
        this.genre = trackGenre.clone();
        this.durationMs = durations.clone();
        this.popularity = new double[n];
        for (int t = 0; t < n; t++) {
            this.popularity[t] = popularity[t] / 100.0;
        }

        Activity[] activities = Activity.values();
        this.fit = new float[activities.length][];
        this.genreFit = new double[activities.length][GenreTaxonomy.COUNT];
        for (Activity a : activities) {
            if (!ActivityFit.selective(a)) {
                java.util.Arrays.fill(genreFit[a.ordinal()], 1.0);
                continue;
            }
            float[] f = new float[n];
            for (int t = 0; t < n; t++) {
                f[t] = (float) ActivityFit.fit(a, features.get(t));
            }
            fit[a.ordinal()] = f;
        }

        int[] perGenre = new int[GenreTaxonomy.COUNT];
        for (int g : trackGenre) {
            perGenre[g]++;
        }
        this.genreTracks = new int[GenreTaxonomy.COUNT][];
        for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
            genreTracks[g] = new int[perGenre[g]];
        }
        int[] fill = new int[GenreTaxonomy.COUNT];
        for (int t = 0; t < n; t++) {
            genreTracks[trackGenre[t]][fill[trackGenre[t]]++] = t;
        }

        for (int a = 0; a < activities.length; a++) {
            if (fit[a] == null) {
                continue;
            }
            for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
                double sum = 0;
                for (int t : genreTracks[g]) {
                    sum += fit[a][t];
                }
                genreFit[a][g] = genreTracks[g].length == 0 ? 0 : sum / genreTracks[g].length;
            }
        }

        this.clusterGenreCdf = new double[TasteClusters.COUNT][GenreTaxonomy.COUNT][];
        for (int c = 0; c < TasteClusters.COUNT; c++) {
            for (int g = 0; g < GenreTaxonomy.COUNT; g++) {
                int[] tracks = genreTracks[g];
                double[] w = new double[tracks.length];
                for (int i = 0; i < tracks.length; i++) {
                    int t = tracks[i];
                    w[i] = weights[t] * (favourite.favours(c, trackArtist[t]) ? FAVOURITE_ARTIST_BOOST : 1.0);
                }
                clusterGenreCdf[c][g] = Rand.cumulative(w);
            }
        }
    }

    /** Whether a taste cluster favours an artist; a pure function of its arguments so it needs no storage. */
    interface FavouriteRule {
        boolean favours(int cluster, int artist);
    }

    int size() {
        return trackIds.length;
    }

    /** The fit of a track for an activity; 1 for activities that do not select by fit. */
    double fit(Activity activity, int track) {
        float[] f = fit[activity.ordinal()];
        return f == null ? 1.0 : f[track];
    }
}
