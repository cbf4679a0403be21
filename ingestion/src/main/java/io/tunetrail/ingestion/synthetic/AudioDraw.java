package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.AudioFeatures;
import java.util.SplittableRandom;

/**
 * The audio features, duration and release year of one track, drawn around its subgenre's profile.
 *
 * <p>Values stay in Spotify's ranges and keep Spotify's main correlations: loudness rises with energy, acousticness
 * falls with it, instrumentalness is bimodal (a track mostly has vocals or mostly has none). Durations are capped at
 * 15 minutes so that a played track never leaves a gap that looks like the end of a session.
 */
record AudioDraw(double tempo, int key, int mode, int timeSignature, double loudness, double energy,
                 double danceability, double valence, double acousticness, double instrumentalness, double liveness,
                 double speechiness, long durationMs, int releaseYear) {

    static final long MIN_DURATION_MS = 60_000;
    static final long MAX_DURATION_MS = 900_000;

    /**
     * @param offset the artist's own sound: tempo, energy and danceability offsets from the profile
     */
    static AudioDraw features(SplittableRandom r, GenreTaxonomy.Profile p, double[] offset, int endYear) {
        double tempo = Rand.clamp(Rand.gaussian(r, p.tempo() + offset[0], p.tempoSd()), 40, 220);
        double energy = Rand.clamp(Rand.gaussian(r, p.energy() + offset[1], 0.08), 0.01, 0.99);
        double danceability = Rand.clamp(Rand.gaussian(r, p.danceability() + offset[2], 0.08), 0.05, 0.98);
        double valence = Rand.clamp(Rand.gaussian(r, p.valence(), 0.15), 0.02, 0.98);
        double acousticness = Rand.clamp(Rand.gaussian(r, p.acousticness(), 0.1) - 0.3 * (energy - p.energy()), 0.0, 0.99);
        double instrumentalness = r.nextDouble() < p.instrumentalness()
                ? Rand.clamp(Rand.gaussian(r, 0.82, 0.1), 0.5, 0.99)
                : Rand.clamp(-0.02 * StrictMath.log(1.0 - r.nextDouble()), 0.0, 0.3);
        double speechiness = Rand.clamp(Rand.gaussian(r, p.speechiness(), p.speechiness() * 0.4), 0.022, 0.9);
        double u = r.nextDouble();
        double liveness = Rand.clamp(0.06 + 0.35 * u * u * u + Rand.gaussian(r, 0, 0.02), 0.02, 0.99);
        double loudness = Rand.clamp(-3.5 - (1 - energy) * 20 + Rand.gaussian(r, 0, 1.8), -45, -0.5);
        int key = instrumentalness > 0.9 && acousticness > 0.8 && r.nextDouble() < 0.1 ? -1 : r.nextInt(12);
        int mode = r.nextDouble() < 0.62 ? 1 : 0;
        int timeSignature = timeSignature(r, p);
        long durationMs = (long) Rand.clamp(p.durationSec() * 1000.0 * Rand.lognormalFactor(r, 0.22),
                MIN_DURATION_MS, MAX_DURATION_MS);
        int last = p.lastYear() == 0 ? endYear : Math.min(p.lastYear(), endYear);
        int first = Math.min(p.firstYear(), last);
        // Most of a genre's catalogue is recent; half-normal back towards the genre's first year.
        int year = (int) Math.max(first, last - Math.floor(Math.abs(Rand.gaussian(r)) * (last - first) / 2.5));
        return new AudioDraw(round(tempo), key, mode, timeSignature, round(loudness), round(energy),
                round(danceability), round(valence), round(acousticness), round(instrumentalness), round(liveness),
                round(speechiness), durationMs, year);
    }

    AudioFeatures toFeatures(String orgId, String trackId) {
        return new AudioFeatures(orgId, trackId, tempo, key, mode, timeSignature, loudness, energy, danceability,
                valence, acousticness, instrumentalness, liveness, speechiness, durationMs);
    }

    private static int timeSignature(SplittableRandom r, GenreTaxonomy.Profile p) {
        double waltz = p.acousticness() > 0.5 ? 0.15 : 0.05;
        double x = r.nextDouble();
        return x < waltz ? 3 : (x < waltz + 0.02 ? 5 : 4);
    }

    /** Three decimals, as Spotify publishes them; also keeps the JSON short. */
    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
