package io.tunetrail.ingestion.synthetic;

import io.tunetrail.model.Activity;
import io.tunetrail.model.AudioFeatures;

/**
 * How well a track suits an activity, in [0, 1], from its audio features alone.
 *
 * <ul>
 *   <li>workout: energetic (energy above ~0.65) and fast (tempo above ~115 BPM);
 *   <li>study: calm (energy below ~0.5), instrumental, few words;
 *   <li>sleep: quiet (energy below ~0.3), slow (tempo below ~95 BPM) and acoustic;
 *   <li>party: danceable, energetic and happy;
 *   <li>commute and none: everything fits (1).
 * </ul>
 * Smooth logistic edges rather than hard cut-offs, so a track just under a threshold is still sometimes chosen.
 */
final class ActivityFit {
    private ActivityFit() {}

    /** Activities whose sessions pick tracks by fit; the others pick by taste alone. */
    static boolean selective(Activity activity) {
        return activity == Activity.WORKOUT || activity == Activity.STUDY || activity == Activity.SLEEP
                || activity == Activity.PARTY;
    }

    static double fit(Activity activity, AudioFeatures f) {
        switch (activity) {
            case WORKOUT:
                return logistic((f.energy() - 0.65) * 14) * logistic((f.tempo() - 115) / 6);
            case STUDY:
                return logistic((0.5 - f.energy()) * 12) * (0.25 + 0.75 * f.instrumentalness())
                        * (1.0 - Math.min(1.0, 2.5 * f.speechiness()));
            case SLEEP:
                return logistic((0.3 - f.energy()) * 14) * logistic((95 - f.tempo()) / 8)
                        * (0.3 + 0.7 * f.acousticness());
            case PARTY:
                return logistic((f.danceability() - 0.62) * 14) * logistic((f.energy() - 0.6) * 12)
                        * (0.4 + 0.6 * f.valence());
            default:
                return 1.0;
        }
    }

    private static double logistic(double x) {
        return 1.0 / (1.0 + StrictMath.exp(-x));
    }
}
